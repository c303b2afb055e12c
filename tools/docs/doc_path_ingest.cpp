// DocIndex::AddPath and the file helpers declared in doc_index.h: reading files and folders into
// the index in batches.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>

#include "config/error.h"
#include "tools/docs/doc_files.h"
#include "tools/docs/doc_index.h"
#include "tools/docs/doc_index_impl.h"

namespace intern::tools {
namespace fs = std::filesystem;
using docs_internal::AnyGlobMatches;
using docs_internal::WriteTransaction;

namespace {

constexpr size_t kBatchFiles = 256;
constexpr uint64_t kBatchBytes = uint64_t{64} << 20;

Result<std::string> ReadWholeFile(const fs::path& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (file == nullptr) return Fail(ErrorCode::kIo, std::strerror(errno));
  std::string content;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, file.get())) > 0) content.append(buf, n);
  if (std::ferror(file.get())) return Fail(ErrorCode::kIo, std::strerror(errno));
  return content;
}

std::string SizeText(uint64_t bytes) {
  if (bytes >= (1 << 20)) {
    return bytes % (1 << 20) == 0
               ? fmt::format("{} MiB", bytes >> 20)
               : fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
  }
  return bytes % 1024 == 0 ? fmt::format("{} KiB", bytes >> 10) : fmt::format("{} bytes", bytes);
}

}  // namespace

Result<AddSummary> DocIndex::AddPath(const fs::path& root, const AddPathOptions& options) {
  std::error_code ec;
  fs::file_status root_status = fs::status(root, ec);
  if (ec || !fs::exists(root_status)) {
    return Fail(ErrorCode::kNotFound, fmt::format("no such file or folder: {}", root.string()));
  }
  fs::path base = fs::absolute(root, ec).lexically_normal();
  AddSummary summary;
  AddProgress progress;
  std::unique_lock<std::mutex> lock(impl_->mu, std::defer_lock);
  std::unique_ptr<WriteTransaction> batch;
  size_t batch_files = 0;
  uint64_t batch_bytes = 0;

  auto commit_batch = [&] {
    if (batch) batch->Commit();
    batch.reset();
    if (lock.owns_lock()) lock.unlock();
    batch_files = 0;
    batch_bytes = 0;
  };

  // Reads and indexes one file; `chosen` says the caller named it (no type filter).
  auto handle_file = [&](const fs::path& path, bool chosen) {
    ++progress.files_done;
    progress.current = path.string();
    auto skip = [&](std::string reason) {
      summary.skipped.push_back({path.string(), std::move(reason)});
    };
    std::error_code size_ec;
    uint64_t size = fs::file_size(path, size_ec);
    if (size_ec) return skip("unreadable: " + size_ec.message());
    if (!chosen && options.include.empty() && !docs_internal::IsDocumentType(path)) {
      return skip("not a document type");
    }
    if (size > options.max_file_bytes)
      return skip("larger than " + SizeText(options.max_file_bytes));
    Result<std::string> read = ReadWholeFile(path);
    if (!read) return skip("unreadable: " + read.message());
    std::string content = std::move(read).value();
    if (docs_internal::LooksBinary(content)) return skip("binary");
    DocKind kind = KindForFile(path, std::string_view(content).substr(0, 512));
    if (!batch) {
      lock.lock();
      batch = std::make_unique<WriteTransaction>(impl_->db);
      impl_->LoadNextRowid();
    }
    AddReport r =
        impl_->AddLocked(FileUri(path), content, kind, options.subject, path.filename().string());
    switch (r.outcome) {
      case AddOutcome::kAdded:
        ++summary.added;
        summary.chunks += r.chunks;
        break;
      case AddOutcome::kReplaced:
        ++summary.replaced;
        summary.chunks += r.chunks;
        break;
      case AddOutcome::kUnchanged:
        ++summary.unchanged;
        break;
    }
    summary.bytes += content.size();
    progress.bytes_done += content.size();
    batch_bytes += content.size();
    if (++batch_files >= kBatchFiles || batch_bytes >= kBatchBytes) commit_batch();
  };
  auto report = [&] {
    if (options.progress) options.progress(progress);
  };
  auto cancelled = [&] { return options.cancel != nullptr && options.cancel->load(); };

  try {
    if (!fs::is_directory(root_status)) {
      handle_file(base, true);
      report();
    } else {
      fs::recursive_directory_iterator it(base, fs::directory_options::skip_permission_denied, ec);
      if (ec)
        return Fail(ErrorCode::kIo,
                    fmt::format("reading folder {}: {}", base.string(), ec.message()));
      for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (cancelled()) {
          summary.cancelled = true;
          break;
        }
        const fs::directory_entry& entry = *it;
        std::string name = entry.path().filename().string();
        fs::path relative = entry.path().lexically_relative(base);
        std::error_code type_ec;
        bool is_dir = entry.is_directory(type_ec);
        if (!name.empty() && name[0] == '.') {
          if (is_dir) it.disable_recursion_pending();
          continue;
        }
        if (AnyGlobMatches(options.exclude, relative)) {
          if (is_dir) it.disable_recursion_pending();
          continue;
        }
        if (is_dir || !entry.is_regular_file(type_ec)) continue;
        if (!options.include.empty() && !AnyGlobMatches(options.include, relative)) continue;
        handle_file(entry.path(), false);
        report();
      }
      if (ec) summary.skipped.push_back({base.string(), "unreadable: " + ec.message()});
    }
    commit_batch();
  } catch (const SQLite::Exception& e) {
    throw Error(fmt::format("indexing {} into {}: {}", progress.current, impl_->path, e.what()));
  }
  return summary;
}

std::string FileUri(const fs::path& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) abs = path;
  std::string s = abs.lexically_normal().generic_string();
  if (s.size() > 1 && s.back() == '/') s.pop_back();
  return "file://" + s;
}

DocKind KindForFile(const fs::path& path, std::string_view head) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".md" || ext == ".markdown" || ext == ".mdown" || ext == ".mkd" || ext == ".mdx") {
    return DocKind::kMarkdown;
  }
  if (ext == ".html" || ext == ".htm" || ext == ".xhtml" || ext == ".shtml") return DocKind::kHtml;
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  while (!head.empty() && std::isspace(static_cast<unsigned char>(head.front())))
    head.remove_prefix(1);
  std::string start(head.substr(0, 14));
  std::transform(start.begin(), start.end(), start.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (start.rfind("<!doctype html", 0) == 0 || start.rfind("<html", 0) == 0) return DocKind::kHtml;
  return DocKind::kText;
}

}  // namespace intern::tools
