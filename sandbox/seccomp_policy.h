#pragma once
// The seccomp deny-list applied last before exec (DESIGN §9), compiled to a classic BPF program in
// the parent so the child only has to load it (no allocation between clone and exec).

#include <linux/filter.h>

#include <vector>

#include "config/result.h"

namespace intern::sandbox {

// Denied with EPERM: mount and the new mount API, pivot_root, chroot, ptrace and
// process_vm_*, bpf, perf_event_open, unshare, setns and clone with namespace flags, keyctl and
// friends, io_uring_*, module loading, kexec, reboot, swapon/off, acct, syslog, quotactl,
// open_by_handle_at, userfaultfd, iopl/ioperm, clock setting. clone3 gets ENOSYS so libc falls
// back to clone, whose flags can be checked. socket() of any family but AF_UNIX (plus AF_INET and
// AF_INET6 when `allow_inet`) gets EACCES. System calls of other architectures kill the process.
// Failure: libseccomp refused the policy (kIo).
Result<std::vector<sock_filter>> BuildSeccompProgram(bool allow_inet);

}  // namespace intern::sandbox
