#include "sandbox/seccomp_policy.h"

#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "sandbox/unique_fd.h"

namespace intern::sandbox {
namespace {

constexpr const char* kDenied[] = {
    "mount", "umount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen",
    "fsmount", "fsconfig", "fspick", "mount_setattr", "ptrace", "process_vm_readv",
    "process_vm_writev", "pidfd_getfd", "bpf", "perf_event_open", "unshare", "setns", "keyctl",
    "add_key", "request_key", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
    "swapon", "swapoff", "acct", "syslog", "quotactl", "quotactl_fd", "open_by_handle_at",
    "name_to_handle_at", "userfaultfd", "uselib", "iopl", "ioperm", "vhangup", "settimeofday",
    "clock_settime", "clock_adjtime", "lookup_dcookie", "fanotify_init", "kcmp"};

constexpr unsigned long kNamespaceFlags[] = {CLONE_NEWUSER, CLONE_NEWNS,  CLONE_NEWPID,
                                             CLONE_NEWNET,  CLONE_NEWIPC, CLONE_NEWUTS,
                                             CLONE_NEWCGROUP, CLONE_NEWTIME};

struct CtxDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};

}  // namespace

Result<std::vector<sock_filter>> BuildSeccompProgram(bool allow_inet) {
  std::unique_ptr<void, CtxDeleter> ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (!ctx) return Fail(ErrorCode::kIo, "seccomp_init failed");
  // Other ABIs (i386 via int 0x80, x32) would bypass the checks by number; kill them outright.
  seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
  // A binary tree over syscall numbers keeps the cost per allowed call small.
  seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);
  auto fail = [](const char* what, int rc) {
    return Fail(ErrorCode::kIo, std::string("building the seccomp filter: ") + what + ": " +
                                    std::strerror(-rc));
  };
  for (const char* name : kDenied) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) continue;  // not on this architecture
    if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EPERM), nr, 0); rc < 0) return fail(name, rc);
  }
  for (unsigned long flag : kNamespaceFlags) {
    int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag));
    if (rc < 0) return fail("clone", rc);
  }
  if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0); rc < 0) {
    return fail("clone3", rc);
  }
  for (int family = 0; family < AF_MAX; ++family) {
    if (family == AF_UNIX || (allow_inet && (family == AF_INET || family == AF_INET6))) continue;
    int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1,
                              SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(family)));
    if (rc < 0) return fail("socket", rc);
  }
  int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1,
                            SCMP_A0(SCMP_CMP_GE, static_cast<scmp_datum_t>(AF_MAX)));
  if (rc < 0) return fail("socket", rc);

  UniqueFd mem(::memfd_create("intern-seccomp", MFD_CLOEXEC));
  if (!mem.valid()) return Fail(ErrorCode::kIo, std::string("memfd_create: ") + std::strerror(errno));
  if (int e = seccomp_export_bpf(ctx.get(), mem.get()); e < 0) return fail("export", e);
  off_t size = ::lseek(mem.get(), 0, SEEK_CUR);
  if (size <= 0 || size % sizeof(sock_filter) != 0) {
    return Fail(ErrorCode::kIo, "building the seccomp filter: export produced no program");
  }
  std::vector<sock_filter> program(size / sizeof(sock_filter));
  if (::pread(mem.get(), program.data(), size, 0) != size) {
    return Fail(ErrorCode::kIo, "building the seccomp filter: reading the exported program");
  }
  return program;
}

}  // namespace intern::sandbox
