// Network, filesystem and privilege containment of the native sandbox (DESIGN §9).

#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sandbox/unique_fd.h"
#include "tests/sandbox/sandbox_fixture.h"

namespace intern::sandbox::testing {
namespace {

// A TCP listener on 127.0.0.1:0 of the host; returns its port.
struct HostListener {
  UniqueFd fd{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  int port = 0;
  HostListener() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
    REQUIRE(::listen(fd.get(), 4) == 0);
    socklen_t len = sizeof(a);
    REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port = ntohs(a.sin_port);
  }
};

}  // namespace

TEST_CASE("socket(AF_INET) inside the sandbox is refused with EACCES", "[sandbox][network]") {
  auto r = RunNative(Spec({"perl", "-e", "socket(S, 2, 1, 0) ? print qq(opened) : print $!+0"}));
  if (!r) return;
  CHECK(r->out.head == "13");
}

TEST_CASE("connecting to a listener on the host fails even with loopback allowed",
          "[sandbox][network]") {
  HostListener listener;
  std::string script =
      "use Socket; socket(S, PF_INET, SOCK_STREAM, 0) or die qq(socket: $!); "
      "connect(S, sockaddr_in(" + std::to_string(listener.port) +
      ", inet_aton(q(127.0.0.1)))) ? print qq(connected) : print qq(refused)";
  RunSpec spec = Spec({"perl", "-e", script});
  spec.network = Network::kLoopback;
  auto r = RunNative(spec);
  if (!r) return;
  CHECK(r->out.head == "refused");
  CHECK(r->exit_code == 0);
}

TEST_CASE("with loopback allowed, the sandbox can talk to itself over 127.0.0.1",
          "[sandbox][network]") {
  std::string script =
      "use Socket; socket(L, PF_INET, SOCK_STREAM, 0) or die; "
      "bind(L, sockaddr_in(0, inet_aton(q(127.0.0.1)))) or die qq(bind $!); listen(L, 1); "
      "my ($port) = sockaddr_in(getsockname(L)); socket(C, PF_INET, SOCK_STREAM, 0); "
      "connect(C, sockaddr_in($port, inet_aton(q(127.0.0.1)))) ? print qq(ok) : print qq(fail $!)";
  RunSpec spec = Spec({"perl", "-e", script});
  spec.network = Network::kLoopback;
  auto r = RunNative(spec);
  if (!r) return;
  CHECK(r->out.head == "ok");
}

TEST_CASE("DNS lookups fail inside the sandbox", "[sandbox][network]") {
  auto r = RunNative(Spec({"getent", "hosts", "deb.debian.org"}));
  if (!r) return;
  CHECK(r->exit_code == 2);  // getent: key not found
  CHECK(r->out.head.empty());
}

TEST_CASE("writes to /etc, /usr, $HOME, the project tree and /dev/shm fail", "[sandbox][fs]") {
  std::string home = ::getenv("HOME") != nullptr ? ::getenv("HOME") : "/root";
  std::string marker = "intern-sandbox-escape-" + std::to_string(::getpid());
  std::vector<std::string> targets = {"/etc/" + marker, "/usr/" + marker, home + "/" + marker,
                                      std::string(INTERN_SOURCE_DIR) + "/" + marker,
                                      "/dev/shm/" + marker, "/dev/" + marker};
  std::string script;
  for (const std::string& t : targets) script += "(echo x > " + t + ") 2>/dev/null && echo wrote " + t + "; ";
  script += "echo done";
  auto r = RunNative(Shell(script));
  if (!r) return;
  CHECK(r->out.head == "done\n");
  for (const std::string& t : targets) {
    INFO(t);
    CHECK_FALSE(std::filesystem::exists(t));
  }
}

TEST_CASE("the host's /tmp is not visible inside, a private tmpfs is", "[sandbox][fs]") {
  TempDir host_dir;  // under the host's /tmp
  auto r = RunNative(Shell("test -e " + host_dir.path() + " && echo visible || echo hidden; "
                           "echo hi > /tmp/private && cat /tmp/private"));
  if (!r) return;
  CHECK(r->out.head == "hidden\nhi\n");
  CHECK_FALSE(std::filesystem::exists("/tmp/private"));
}

TEST_CASE("a write into scratch is visible to the host afterwards", "[sandbox][fs]") {
  TempDir scratch;
  RunSpec spec = Shell("echo result > result.txt && pwd");
  spec.scratch_dir = scratch.path();
  auto r = RunNative(spec);
  if (!r) return;
  CHECK(r->out.head == "/tmp/scratch\n");
  CHECK(ReadHostFile(scratch.path() + "/result.txt") == "result\n");
}

TEST_CASE("a symlink planted in scratch does not allow a write outside it", "[sandbox][fs]") {
  TempDir scratch;
  TempDir outside("/var/tmp");  // visible (read-only) inside, unlike the host's /tmp
  std::filesystem::create_directory_symlink(outside.path(), scratch.path() + "/link");
  std::filesystem::create_symlink("/etc/intern-sandbox-escape", scratch.path() + "/file-link");
  RunSpec spec = Shell("(echo x > link/owned) 2>/dev/null && echo wrote; "
                       "(echo x > file-link) 2>/dev/null && echo wrote2; echo done");
  spec.scratch_dir = scratch.path();
  auto r = RunNative(spec);
  if (!r) return;
  CHECK(r->out.head == "done\n");
  CHECK_FALSE(std::filesystem::exists(outside.path() + "/owned"));
  CHECK_FALSE(std::filesystem::exists("/etc/intern-sandbox-escape"));
}

TEST_CASE("inside, no capabilities, no_new_privs, a seccomp filter, only its own processes",
          "[sandbox][privilege]") {
  auto r = RunNative(Shell("grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' "
                           "/proc/self/status; set -- /proc/[0-9]*; echo $*"));
  if (!r) return;
  CHECK(r->out.head ==
        "CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"
        "CapBnd:\t0000000000000000\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t2\n"
        "/proc/1 /proc/2\n");  // the init and sh
}

TEST_CASE("namespace creation and mounting are refused inside", "[sandbox][privilege]") {
  auto r = RunNative(Shell("unshare --user true 2>/dev/null && echo unshared; "
                           "mount -t tmpfs none /tmp 2>/dev/null && echo mounted; echo done"));
  if (!r) return;
  CHECK(r->out.head == "done\n");
}

}  // namespace intern::sandbox::testing

namespace intern::sandbox::testing {

TEST_CASE("the command inherits only its standard streams, not the host's descriptors",
          "[sandbox][fs]") {
  UniqueFd leaked(::open("/etc/hostname", O_RDONLY));  // deliberately without O_CLOEXEC
  REQUIRE(leaked.valid());
  auto r = RunNative(Shell("cd /proc/self/fd && echo *"));
  if (!r) return;
  CHECK(r->out.head == "0 1 2 3\n");  // 3 is the directory the shell is globbing
}

}  // namespace intern::sandbox::testing

namespace intern::sandbox::testing {

TEST_CASE("the command starts with no blocked or ignored signals, whatever the parent has",
          "[sandbox][privilege]") {
  struct sigaction ignore{}, previous{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  sigset_t block, old_mask;
  ::sigemptyset(&block);
  ::sigaddset(&block, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &block, &old_mask);
  auto r = RunNative(Spec({"grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status"}));
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  ::sigaction(SIGPIPE, &previous, nullptr);
  if (!r) return;
  CHECK(r->out.head == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

}  // namespace intern::sandbox::testing
