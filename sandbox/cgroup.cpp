#include "sandbox/cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

namespace intern::sandbox {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool WriteFile(const std::string& path, const std::string& value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = ::write(fd, value.data(), value.size());
  ::close(fd);
  return n == static_cast<ssize_t>(value.size());
}

// "key value" lines (memory.oom_control, pids.events, cpu.stat): the value of `key`, or 0.
std::uint64_t KeyedValue(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  std::string k;
  std::uint64_t v = 0;
  while (in >> k >> v) {
    if (k == key) return v;
  }
  return 0;
}

std::uint64_t NumberIn(const std::string& path) {
  std::string s = ReadFile(path);
  return s.empty() ? 0 : std::strtoull(s.c_str(), nullptr, 10);
}

struct Layout {
  std::string v2_mount, v2_path;
  std::map<std::string, std::string> v1_mount;  // controller -> mount point
  std::map<std::string, std::string> v1_path;   // controller -> our cgroup path
};

Layout ReadLayout() {
  Layout l;
  std::istringstream mounts(ReadFile("/proc/self/mountinfo"));
  std::string line;
  while (std::getline(mounts, line)) {
    std::size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream pre(line.substr(0, dash)), post(line.substr(dash + 3));
    std::string id, parent, dev, root, mount_point, fstype, source, options;
    pre >> id >> parent >> dev >> root >> mount_point;
    post >> fstype >> source >> options;
    if (fstype == "cgroup2" && l.v2_mount.empty()) l.v2_mount = mount_point;
    if (fstype != "cgroup") continue;
    std::istringstream opts(options);
    std::string opt;
    while (std::getline(opts, opt, ',')) {
      if (opt == "memory" || opt == "pids" || opt == "cpuacct") l.v1_mount.emplace(opt, mount_point);
    }
  }
  std::istringstream groups(ReadFile("/proc/self/cgroup"));
  while (std::getline(groups, line)) {
    std::size_t a = line.find(':'), b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string controllers = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
    if (controllers.empty()) l.v2_path = path;
    std::istringstream cs(controllers);
    std::string c;
    while (std::getline(cs, c, ',')) l.v1_path[c] = path;
  }
  return l;
}

std::string UniqueName() {
  auto ns = std::chrono::steady_clock::now().time_since_epoch().count();
  return "intern-sandbox-" + std::to_string(::getpid()) + "-" + std::to_string(::gettid()) + "-" +
         std::to_string(ns);
}

bool HasWord(const std::string& text, const std::string& word) {
  std::istringstream in(text);
  std::string w;
  while (in >> w) {
    if (w == word) return true;
  }
  return false;
}

std::string V2Base(const Layout& l) {
  if (l.v2_mount.empty()) return {};
  return l.v2_mount + (l.v2_path == "/" ? "" : l.v2_path);
}

std::string V1Base(const Layout& l, const std::string& controller) {
  auto m = l.v1_mount.find(controller);
  if (m == l.v1_mount.end()) return {};
  auto p = l.v1_path.find(controller);
  std::string path = (p == l.v1_path.end() || p->second == "/") ? "" : p->second;
  return m->second + path;
}

}  // namespace

CgroupProbe ProbeCgroups() {
  Layout l = ReadLayout();
  std::string v2 = V2Base(l);
  std::string note;
  if (!v2.empty()) {
    std::string controllers = ReadFile(v2 + "/cgroup.controllers");
    if (HasWord(controllers, "memory") && HasWord(controllers, "pids")) {
      return {CgroupKind::kV2, "cgroup v2 at " + v2 + " offers memory and pids"};
    }
    note = "cgroup v2 at " + l.v2_mount + " lacks the memory/pids controllers (has: " +
           (controllers.empty() ? std::string("none") : controllers.substr(0, controllers.find('\n'))) +
           "); ";
  }
  if (!V1Base(l, "memory").empty() && !V1Base(l, "pids").empty()) {
    return {CgroupKind::kV1, note + "cgroup v1 memory at " + V1Base(l, "memory") + ", pids at " +
                                 V1Base(l, "pids") +
                                 (V1Base(l, "cpuacct").empty() ? "" : ", cpuacct at " + V1Base(l, "cpuacct"))};
  }
  return {CgroupKind::kNone, note + "no cgroup v1 memory and pids hierarchies are mounted"};
}

int RemoveStaleCgroups() {
  Layout l = ReadLayout();
  std::vector<std::string> bases = {V2Base(l), V1Base(l, "memory"), V1Base(l, "pids"),
                                    V1Base(l, "cpuacct")};
  const std::string prefix = "intern-sandbox-";
  int removed = 0;
  for (const std::string& base : bases) {
    if (base.empty()) continue;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(base, ec)) {
      std::string name = entry.path().filename();
      if (name.rfind(prefix, 0) != 0) continue;
      pid_t owner = std::atoi(name.c_str() + prefix.size());
      if (owner <= 0 || ::kill(owner, 0) == 0 || errno != ESRCH) continue;
      if (::rmdir(entry.path().c_str()) == 0) ++removed;
    }
  }
  return removed;
}

Result<std::unique_ptr<Cgroup>> Cgroup::Create(std::uint64_t memory_bytes, int max_processes) {
  Layout l = ReadLayout();
  std::unique_ptr<Cgroup> g(new Cgroup());
  std::string name = UniqueName();

  std::string v2 = V2Base(l);
  if (!v2.empty() && ProbeCgroups().kind == CgroupKind::kV2) {
    // Delegation needs the controllers enabled in our own group's subtree; when our group holds
    // processes the kernel refuses (no internal processes), and we fall through to v1.
    std::string subtree = ReadFile(v2 + "/cgroup.subtree_control");
    bool enabled = (HasWord(subtree, "memory") && HasWord(subtree, "pids")) ||
                   WriteFile(v2 + "/cgroup.subtree_control", "+memory +pids");
    std::string dir = v2 + "/" + name;
    if (enabled && ::mkdir(dir.c_str(), 0755) == 0) {
      g->kind_ = CgroupKind::kV2;
      g->v2_dir_ = dir;
      (void)g->SetLimits(memory_bytes, max_processes);
      return g;
    }
  }

  std::string mem = V1Base(l, "memory"), pids = V1Base(l, "pids"), cpu = V1Base(l, "cpuacct");
  if (mem.empty() || pids.empty()) {
    return Fail(ErrorCode::kUnavailable, ProbeCgroups().detail);
  }
  g->kind_ = CgroupKind::kV1;
  g->memory_dir_ = mem + "/" + name;
  g->pids_dir_ = pids + "/" + name;
  if (::mkdir(g->memory_dir_.c_str(), 0755) != 0) {
    int e = errno;
    g->memory_dir_.clear();
    g->pids_dir_.clear();
    return Fail(ErrorCode::kUnavailable, "creating a cgroup under " + mem + ": " + std::strerror(e));
  }
  if (::mkdir(g->pids_dir_.c_str(), 0755) != 0) {
    int e = errno;
    g->pids_dir_.clear();
    return Fail(ErrorCode::kUnavailable, "creating a cgroup under " + pids + ": " + std::strerror(e));
  }
  if (!cpu.empty()) {
    std::string dir = cpu + "/" + name;
    if (::mkdir(dir.c_str(), 0755) == 0) g->cpu_dir_ = dir;
  }
  if (Status s = g->SetLimits(memory_bytes, max_processes); !s) return s.failure();
  return g;
}

Status Cgroup::SetLimits(std::uint64_t memory_bytes, int max_processes) {
  if (kind_ == CgroupKind::kV2) {
    if (memory_bytes > 0) {
      WriteFile(v2_dir_ + "/memory.max", std::to_string(memory_bytes));
      WriteFile(v2_dir_ + "/memory.swap.max", "0");
    }
    if (max_processes > 0) WriteFile(v2_dir_ + "/pids.max", std::to_string(max_processes));
    return Status::Ok();
  }
  if (memory_bytes > 0) {
    if (!WriteFile(memory_dir_ + "/memory.limit_in_bytes", std::to_string(memory_bytes))) {
      return Fail(ErrorCode::kUnavailable, "setting memory.limit_in_bytes in " + memory_dir_);
    }
    // Without this, a machine with swap would let the tree spill past the limit.
    WriteFile(memory_dir_ + "/memory.memsw.limit_in_bytes", std::to_string(memory_bytes));
  }
  if (max_processes > 0 && !WriteFile(pids_dir_ + "/pids.max", std::to_string(max_processes))) {
    return Fail(ErrorCode::kUnavailable, "setting pids.max in " + pids_dir_);
  }
  return Status::Ok();
}

Status Cgroup::AttachThread(pid_t tid) {
  if (kind_ != CgroupKind::kV1) return Fail(ErrorCode::kUnavailable, "threads can join only cgroup v1 groups");
  for (const std::string* d : {&memory_dir_, &pids_dir_, &cpu_dir_}) {
    if (!d->empty() && !WriteFile(*d + "/tasks", std::to_string(tid))) {
      return Fail(ErrorCode::kIo, "moving a thread into " + *d + ": " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

std::vector<std::string> Cgroup::ProcFiles() const {
  std::vector<std::string> files;
  for (const std::string* d : {&v2_dir_, &memory_dir_, &pids_dir_, &cpu_dir_}) {
    if (!d->empty()) files.push_back(*d + "/cgroup.procs");
  }
  return files;
}

Status Cgroup::Attach(pid_t pid) {
  for (const std::string& f : ProcFiles()) {
    if (!WriteFile(f, std::to_string(pid))) {
      return Fail(ErrorCode::kIo, "moving the sandbox into " + f + ": " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

double Cgroup::CpuSeconds() const {
  if (kind_ == CgroupKind::kV2) {
    return KeyedValue(ReadFile(v2_dir_ + "/cpu.stat"), "usage_usec") / 1e6;
  }
  if (!cpu_dir_.empty()) return NumberIn(cpu_dir_ + "/cpuacct.usage") / 1e9;
  return -1;
}

CgroupStats Cgroup::Stats() const {
  CgroupStats s;
  if (kind_ == CgroupKind::kV2) {
    std::string cpu = ReadFile(v2_dir_ + "/cpu.stat");
    s.have_cpu = !cpu.empty();
    s.user_seconds = KeyedValue(cpu, "user_usec") / 1e6;
    s.system_seconds = KeyedValue(cpu, "system_usec") / 1e6;
    s.cpu_source = "cgroup v2 cpu.stat (whole tree)";
    std::string peak = ReadFile(v2_dir_ + "/memory.peak");
    s.have_memory = !peak.empty();
    s.peak_memory_bytes = std::strtoull(peak.c_str(), nullptr, 10);
    s.memory_source = "cgroup v2 memory.peak (whole tree)";
    s.oom_killed = KeyedValue(ReadFile(v2_dir_ + "/memory.events"), "oom_kill") > 0;
    s.process_limit_hit = KeyedValue(ReadFile(v2_dir_ + "/pids.events"), "max") > 0;
    return s;
  }
  if (kind_ == CgroupKind::kV1) {
    if (!cpu_dir_.empty()) {
      // cpuacct.usage is exact (charged by the scheduler); the user/system split exists only as
      // tick samples (cpuacct.stat), which can miss much of a short run. So the total comes from
      // the former and is divided in the proportion of the latter.
      double total = NumberIn(cpu_dir_ + "/cpuacct.usage") / 1e9;
      std::string ticks = ReadFile(cpu_dir_ + "/cpuacct.stat");
      double user = KeyedValue(ticks, "user"), system = KeyedValue(ticks, "system");
      double user_share = user + system > 0 ? user / (user + system) : 1.0;
      s.have_cpu = true;
      s.user_seconds = total * user_share;
      s.system_seconds = total - s.user_seconds;
      s.cpu_source = "cgroup v1 cpuacct.usage, split by cpuacct.stat (whole tree)";
    }
    s.have_memory = true;
    s.peak_memory_bytes = NumberIn(memory_dir_ + "/memory.max_usage_in_bytes");
    s.memory_source = "cgroup v1 memory.max_usage_in_bytes (whole tree)";
    s.oom_killed = KeyedValue(ReadFile(memory_dir_ + "/memory.oom_control"), "oom_kill") > 0;
    s.process_limit_hit = KeyedValue(ReadFile(pids_dir_ + "/pids.events"), "max") > 0;
  }
  return s;
}

void Cgroup::KillAll() const {
  if (kind_ == CgroupKind::kV2 && WriteFile(v2_dir_ + "/cgroup.kill", "1")) return;
  for (const std::string& f : ProcFiles()) {
    std::istringstream in(ReadFile(f));
    pid_t pid;
    while (in >> pid) {
      if (pid != ::getpid()) ::kill(pid, SIGKILL);
    }
  }
}

int Cgroup::CountProcesses() const {
  int most = 0;
  for (const std::string& f : ProcFiles()) {
    std::istringstream in(ReadFile(f));
    int n = 0;
    pid_t pid;
    while (in >> pid) n += pid != ::getpid() ? 1 : 0;
    most = std::max(most, n);
  }
  return most;
}

Cgroup::~Cgroup() {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  // Members die asynchronously after SIGKILL; rmdir fails with EBUSY until they are gone.
  while (CountProcesses() > 0 && std::chrono::steady_clock::now() < deadline) {
    KillAll();
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  for (const std::string* d : {&v2_dir_, &memory_dir_, &pids_dir_, &cpu_dir_}) {
    if (d->empty()) continue;
    while (::rmdir(d->c_str()) != 0 && errno == EBUSY &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
}

}  // namespace intern::sandbox
