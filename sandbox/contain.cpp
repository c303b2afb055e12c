#include "sandbox/contain.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <net/if.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <grp.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

// Only system calls from here on: no allocation, no stdio, no exceptions (see contain.h).

namespace intern::sandbox {
namespace {

// The host directory the new root is attached to before pivot_root. Only our private mount
// namespace sees the attachment.
#define STAGE "/tmp"
static_assert(std::string_view(STAGE) == std::string_view(kStagePath));

std::int64_t MonotonicNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void Report(const ChildPlan& plan, ReportRecord::Kind kind, int error, int status,
            const char* step) {
  ReportRecord r;
  r.kind = kind;
  r.error = error;
  r.status = status;
  r.monotonic_ns = MonotonicNs();
  if (step != nullptr) std::strncpy(r.step, step, sizeof(r.step) - 1);
  ssize_t ignored = ::write(plan.report_fd, &r, sizeof(r));
  (void)ignored;
}

[[noreturn]] void Die(const ChildPlan& plan, const char* step) {
  Report(plan, ReportRecord::kSetupError, errno, 0, step);
  ::_exit(126);
}

pid_t RawFork() {
  // glibc's fork() takes the allocator's locks, which another thread of the parent may have held
  // at clone time; the raw system call does not.
  return static_cast<pid_t>(::syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0));
}

void BecomeMappedRoot(const ChildPlan& plan) {
  if (plan.drop_groups && ::setgroups(0, nullptr) != 0) Die(plan, "dropping supplementary groups");
  if (::setresgid(0, 0, 0) != 0) Die(plan, "switching to the mapped group");
  if (::setresuid(0, 0, 0) != 0) Die(plan, "switching to the mapped user");
}

void BindDevice(const ChildPlan& plan, const char* host, const char* inside) {
  int fd = ::open(inside, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) Die(plan, "creating a device node placeholder");
  ::close(fd);
  if (::mount(host, inside, nullptr, MS_BIND, nullptr) != 0) Die(plan, "binding a device into /dev");
}

void BuildMountTree(const ChildPlan& plan) {
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    Die(plan, "making mounts private");
  }
  // Take both trees before anything is mounted over their paths (the scratch directory may live
  // under the host's /tmp, which the staging attachment hides).
  int root = ::open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (root < 0) Die(plan, "cloning the root mount tree");
  mount_attr ro{};
  ro.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID;
  ro.propagation = MS_PRIVATE;
  if (::mount_setattr(root, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro, sizeof(ro)) != 0) {
    Die(plan, "making the root read-only");
  }
  int scratch = -1;
  if (plan.scratch != nullptr) {
    scratch = ::open_tree(AT_FDCWD, plan.scratch, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (scratch < 0) Die(plan, "cloning the scratch directory");
    mount_attr rw{};
    rw.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    rw.propagation = MS_PRIVATE;
    if (::mount_setattr(scratch, "", AT_EMPTY_PATH, &rw, sizeof(rw)) != 0) {
      Die(plan, "setting scratch mount flags");
    }
  }
  if (::move_mount(root, "", AT_FDCWD, STAGE, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
    Die(plan, "attaching the new root");
  }
  ::close(root);
  for (int i = 0; i < plan.hidden_count; ++i) {
    if (::mount("tmpfs", plan.hidden[i], "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                "size=4k,mode=0755") != 0) {
      Die(plan, "hiding a host directory");
    }
  }
  if (::mount("tmpfs", STAGE "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, plan.tmp_options) != 0) {
    Die(plan, "mounting the /tmp tmpfs");
  }
  if (scratch >= 0) {
    if (::mkdir(STAGE "/tmp/scratch", 0755) != 0) Die(plan, "creating the scratch mount point");
    if (::move_mount(scratch, "", AT_FDCWD, STAGE "/tmp/scratch", MOVE_MOUNT_F_EMPTY_PATH) != 0) {
      Die(plan, "mounting the scratch directory");
    }
    ::close(scratch);
  }
  if (::mount("proc", STAGE "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    Die(plan, "mounting /proc");
  }
  if (::mount("tmpfs", STAGE "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=0755") != 0) {
    Die(plan, "mounting /dev");
  }
  BindDevice(plan, "/dev/null", STAGE "/dev/null");
  BindDevice(plan, "/dev/zero", STAGE "/dev/zero");
  BindDevice(plan, "/dev/full", STAGE "/dev/full");
  BindDevice(plan, "/dev/random", STAGE "/dev/random");
  BindDevice(plan, "/dev/urandom", STAGE "/dev/urandom");
  if (::symlink("/proc/self/fd", STAGE "/dev/fd") != 0 ||
      ::symlink("/proc/self/fd/0", STAGE "/dev/stdin") != 0 ||
      ::symlink("/proc/self/fd/1", STAGE "/dev/stdout") != 0 ||
      ::symlink("/proc/self/fd/2", STAGE "/dev/stderr") != 0) {
    Die(plan, "creating /dev symlinks");
  }
  // No /dev/shm, and nothing new can be created in /dev.
  if (::mount(nullptr, STAGE "/dev", nullptr,
              MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NOEXEC, nullptr) != 0) {
    Die(plan, "making /dev read-only");
  }
  if (::chdir(STAGE) != 0) Die(plan, "entering the new root");
  if (::syscall(SYS_pivot_root, ".", ".") != 0) Die(plan, "pivot_root");
  // The old root now sits on top of the new one; detaching it leaves only the new tree.
  if (::umount2(".", MNT_DETACH) != 0) Die(plan, "detaching the old root");
  if (::chdir("/") != 0) Die(plan, "entering the new root");
}

void BringUpLoopback(const ChildPlan& plan) {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) Die(plan, "opening a socket to configure lo");
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  ifr.ifr_flags = IFF_UP | IFF_RUNNING;
  if (::ioctl(s, SIOCSIFFLAGS, &ifr) != 0) Die(plan, "bringing lo up");
  ::close(s);
}

void DropCapabilities(const ChildPlan& plan) {
  for (int cap = 0; cap < 64; ++cap) {
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      if (errno == EINVAL) break;  // past the last capability of this kernel
      Die(plan, "dropping the capability bounding set");
    }
  }
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) {
    Die(plan, "clearing ambient capabilities");
  }
  // The command runs as uid 0 of its namespace; without these bits exec would hand root its
  // capabilities back.
  unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                       SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED;
  if (::prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) != 0) Die(plan, "setting securebits");
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capset, &header, data) != 0) Die(plan, "dropping capabilities");
}

void SetupStdio(const ChildPlan& plan) {
  if (::dup2(plan.stdin_fd, 0) < 0 || ::dup2(plan.stdout_fd, 1) < 0 ||
      ::dup2(plan.stderr_fd, 2) < 0) {
    Die(plan, "redirecting stdio");
  }
}

// Leaves 0-2, the report descriptor (moved to 3, CLOEXEC) and keep_fd (moved to 4) open; closes
// everything else. Assumes both sit above 4 (the parent's descriptors 0-2 are its own stdio).
int CloseOtherDescriptors(const ChildPlan& plan) {
  if (::dup3(plan.report_fd, 3, O_CLOEXEC) < 0) Die(plan, "moving the report descriptor");
  unsigned first_closed = 4;
  if (plan.keep_fd >= 0) {
    if (::dup2(plan.keep_fd, 4) < 0) Die(plan, "passing the seccomp program");
    first_closed = 5;
  }
  if (::syscall(SYS_close_range, first_closed, ~0U, 0U) != 0) {
    Die(plan, "closing inherited descriptors");
  }
  return 3;
}

// exec keeps the signal mask and ignored signals; the command must not inherit either from the
// parent (which may ignore SIGPIPE or block signals in its threads).
void ResetSignals(const ChildPlan& plan) {
  struct sigaction dfl{};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  ::sigemptyset(&none);
  if (::sigprocmask(SIG_SETMASK, &none, nullptr) != 0) Die(plan, "resetting the signal mask");
}

[[noreturn]] void ExecCommand(ChildPlan plan) {
  ResetSignals(plan);
  SetupStdio(plan);
  for (int i = 0; i < plan.rlimit_count; ++i) {
    rlimit rl{plan.rlimits[i].value, plan.rlimits[i].hard};
    if (::setrlimit(plan.rlimits[i].resource, &rl) != 0) Die(plan, "setting resource limits");
  }
  if (::chdir(plan.cwd) != 0) Die(plan, "changing to the working directory");
  plan.report_fd = CloseOtherDescriptors(plan);
  if (plan.no_new_privs && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    Die(plan, "setting no_new_privs");
  }
  Report(plan, ReportRecord::kStarted, 0, 0, nullptr);
  if (plan.seccomp.len > 0 &&
      ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &plan.seccomp, 0, 0) != 0) {
    Die(plan, "installing the seccomp filter");
  }
  int error = ENOENT;
  for (int i = 0; i < plan.exec_path_count; ++i) {
    ::execve(plan.exec_paths[i], plan.argv, plan.envp);
    if (errno != ENOENT && errno != ENOTDIR) error = errno;
  }
  errno = error;
  Die(plan, "exec");
}

// The init is a copy of the parent and would otherwise hold every descriptor the parent had
// (sockets, database files) for as long as the run lasts.
void CloseAllBut(const ChildPlan& plan) {
  int keep[] = {plan.go_fd, plan.report_fd, plan.stdin_fd, plan.stdout_fd, plan.stderr_fd};
  constexpr int n = sizeof(keep) / sizeof(keep[0]);
  for (int i = 1; i < n; ++i) {
    for (int j = i; j > 0 && keep[j - 1] > keep[j]; --j) std::swap(keep[j - 1], keep[j]);
  }
  unsigned next = 0;
  for (int fd : keep) {
    if (fd < 0 || static_cast<unsigned>(fd) < next) continue;
    if (static_cast<unsigned>(fd) > next) ::syscall(SYS_close_range, next, fd - 1U, 0U);
    next = fd + 1U;
  }
  ::syscall(SYS_close_range, next, ~0U, 0U);
}

}  // namespace

void RunSandboxInit(const ChildPlan& plan) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  CloseAllBut(plan);
  char go = 0;
  if (::read(plan.go_fd, &go, 1) != 1) ::_exit(125);  // the parent gave up
  BecomeMappedRoot(plan);
  BuildMountTree(plan);
  if (plan.loopback) BringUpLoopback(plan);
  ::sethostname("sandbox", 7);
  // The parent moves us into the cgroup while we built the mounts (a cgroup v1 move waits for an
  // RCU grace period); the command must not start before that is done.
  if (::read(plan.go_fd, &go, 1) != 1 || go != 'c') ::_exit(125);
  ::close(plan.go_fd);

  pid_t command = RawFork();
  if (command < 0) Die(plan, "forking the command");
  if (command == 0) {
    ::setsid();
    DropCapabilities(plan);
    ExecCommand(plan);
  }
  ::close(plan.stdout_fd);
  ::close(plan.stderr_fd);
  ::close(plan.stdin_fd);
  // As pid 1, reap everything; orphans of the command land here.
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, __WALL);
    if (pid == command) {
      Report(plan, ReportRecord::kExited, 0, status, nullptr);
      ::_exit(0);
    }
    if (pid < 0 && errno == ECHILD) ::_exit(0);
  }
}

void RunPlainCommand(const ChildPlan& plan) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (plan.go_fd >= 0) {
    char go = 0;
    if (::read(plan.go_fd, &go, 1) != 1) ::_exit(125);
  }
  ::setpgid(0, 0);
  ExecCommand(plan);
}

}  // namespace intern::sandbox
