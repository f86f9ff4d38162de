// PhysioNet downloads (src/net) against servers started by the tests on loopback: lighttpd for
// the ordinary cases, a small Python http.server for hostile ones (truncating, stalling,
// ignoring Range). Each server serves a simulated database the test writes; the tests skip
// when lighttpd or python3 is absent.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "net/download.hpp"
#include "net/manifest.hpp"
#include "net/sha256.hpp"

extern char** environ;

namespace fs = std::filesystem;
using namespace scapredict;
using namespace scapredict::net;

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_all(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
  ASSERT_TRUE(out.good()) << p;
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

/// First executable among `candidates` (absolute paths) and the PATH entries for `name`.
fs::path find_program(const std::string& name, const std::vector<fs::path>& candidates) {
  for (const auto& c : candidates) {
    if (::access(c.c_str(), X_OK) == 0) return c;
  }
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      const fs::path p = fs::path(dir) / name;
      if (!dir.empty() && ::access(p.c_str(), X_OK) == 0) return p;
    }
  }
  return {};
}

bool port_accepts(int port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(s);
  return ok;
}

/// A child process given an argument vector (never a shell), killed and reaped on destruction.
class Child {
 public:
  Child() = default;
  explicit Child(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (::posix_spawn(&pid_, args[0], nullptr, nullptr, args.data(), environ) != 0) pid_ = -1;
  }
  ~Child() { stop(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  Child(Child&& o) noexcept : pid_(o.pid_) { o.pid_ = -1; }
  Child& operator=(Child&& o) noexcept {
    stop();
    pid_ = o.pid_;
    o.pid_ = -1;
    return *this;
  }
  bool started() const { return pid_ > 0; }
  /// True while the process runs (reaps it when it has exited).
  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

/// A simulated PhysioNet database: file name -> bytes, served under <docroot>/<db>/1.0.0/.
struct SimDb {
  std::string db = "sddb";
  std::map<std::string, std::string> files;

  static SimDb standard() {
    SimDb d;
    d.files["RECORDS"] = "30\n31\nsub/52\n";
    d.files["30.hea"] = "30 2 250 1000\n30.dat 212 200 11 1024 0 0 0 ECG\n";
    d.files["30.dat"] = random_bytes(6000, 1);
    d.files["30.atr"] = random_bytes(300, 2);
    d.files["31.hea"] = "31 2 250 1000\n31.dat 212 200 11 1024 0 0 0 ECG\n";
    d.files["31.dat"] = random_bytes(5000, 3);
    d.files["31.ari"] = random_bytes(200, 4);  // SDDB: some records have only .ari
    d.files["sub/52.hea"] = "52 1 250 1000\n52.dat 16 200 16 0 0 0 0 ECG\n";
    d.files["sub/52.dat"] = random_bytes(4000, 5);
    d.files["sub/52.atr"] = random_bytes(100, 6);
    return d;
  }
  std::string sums() const {
    std::string s;
    for (const auto& [name, bytes] : files) s += sha256_hex(bytes) + "  " + name + "\n";
    s += sha256_hex("other") + "  README with spaces.txt\n";  // listed, never fetched
    return s;
  }
  /// Writes the files and SHA256SUMS.txt (`sums_text` when given) below docroot.
  void write(const fs::path& docroot, const std::string& sums_text = {}) const {
    const fs::path dir = docroot / db / "1.0.0";
    for (const auto& [name, bytes] : files) write_all(dir / name, bytes);
    write_all(dir / "SHA256SUMS.txt", sums_text.empty() ? sums() : sums_text);
  }
  std::vector<std::string> data_files() const {
    std::vector<std::string> v;
    for (const auto& [name, bytes] : files) {
      if (name != "RECORDS") v.push_back(name);
    }
    return v;
  }
};

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("scapredict-net-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

/// lighttpd serving `docroot` on 127.0.0.1 at a random free high port.
struct Lighttpd {
  Child child;
  int port = 0;
  fs::path access_log;

  /// Empty `error` when it serves.
  std::string start(const fs::path& program, const fs::path& docroot, const fs::path& dir) {
    std::random_device rd;
    std::uniform_int_distribution<int> pick(20000, 60999);
    access_log = dir / "access.log";
    for (int attempt = 0; attempt < 20; ++attempt) {
      port = pick(rd);
      if (port_accepts(port)) continue;  // in use
      const fs::path conf = dir / "lighttpd.conf";
      std::ofstream c(conf, std::ios::trunc);
      c << "server.document-root = \"" << docroot.string() << "\"\n"
        << "server.bind = \"127.0.0.1\"\n"
        << "server.port = " << port << "\n"
        << "server.errorlog = \"" << (dir / "error.log").string() << "\"\n"
        << "server.modules = (\"mod_accesslog\")\n"
        << "accesslog.filename = \"" << access_log.string() << "\"\n"
        << "mimetype.assign = (\"\" => \"application/octet-stream\")\n";
      c.close();
      child = Child({program.string(), "-D", "-f", conf.string()});
      if (!child.started()) return "cannot start " + program.string();
      for (int i = 0; i < 250; ++i) {
        if (port_accepts(port)) return {};
        if (!child.running()) break;  // the port was taken meanwhile: try another
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      child.stop();
    }
    return "lighttpd did not start: " + read_all(dir / "error.log");
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/"; }
};

/// A Python http.server with hostile behaviours for *.dat files:
///   truncate      the first GET of each .dat sends half the body, then closes
///   stall         every GET of a .dat sends 10 bytes, then nothing for 60 s
///   ignore-range  Range headers are ignored (200 with the whole file)
/// Every request line "<path> <Range header or None>" is appended to a log.
constexpr const char* kHostileServer = R"PY(
import http.server, os, sys, threading, time
port_file, root, mode, log = sys.argv[1:5]
seen = set()
lock = threading.Lock()
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def do_GET(self):
        rng = self.headers.get("Range")
        with lock:
            with open(log, "a") as f:
                f.write("%s %s\n" % (self.path, rng))
            first = self.path not in seen
            seen.add(self.path)
        path = os.path.join(root, self.path.lstrip("/"))
        if ".." in self.path or not os.path.isfile(path):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = open(path, "rb").read()
        start = 0
        if rng and mode != "ignore-range" and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        dat = self.path.endswith(".dat")
        if dat and mode == "truncate" and first:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if dat and mode == "stall":
            self.wfile.write(body[:10])
            self.wfile.flush()
            time.sleep(60)
            return
        self.wfile.write(body)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
)PY";

struct HostileServer {
  Child child;
  int port = 0;
  fs::path log;

  std::string start(const fs::path& python, const fs::path& docroot, const fs::path& dir,
                    const std::string& mode) {
    const fs::path script = dir / "hostile_server.py";
    write_all(script, kHostileServer);
    const fs::path port_file = dir / "port";
    log = dir / "requests.log";
    child = Child({python.string(), script.string(), port_file.string(), docroot.string(), mode,
                   log.string()});
    if (!child.started()) return "cannot start " + python.string();
    for (int i = 0; i < 500; ++i) {
      if (fs::exists(port_file)) {
        port = std::stoi(read_all(port_file));
        if (port_accepts(port)) return {};
      }
      if (!child.running()) return "the Python server exited";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "the Python server did not start";
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/"; }
};

/// Runs `fn`, expecting a NetError; returns its message ("" when none was thrown).
template <typename Fn>
std::string net_error_of(Fn&& fn) {
  try {
    fn();
  } catch (const NetError& e) {
    return e.what();
  }
  return {};
}

void expect_one_line(const std::string& message) {
  EXPECT_FALSE(message.empty());
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

class NetDownload : public ::testing::Test {
 protected:
  void SetUp() override {
    lighttpd_ = find_program("lighttpd", {"/usr/sbin/lighttpd", "/usr/bin/lighttpd"});
    python_ = find_program("python3", {"/usr/bin/python3"});
    docroot_ = tmp_.path() / "www";
    out_ = tmp_.path() / "out";
    fs::create_directories(docroot_);
  }
  /// Starts lighttpd over the docroot; skips the test without it.
  bool start_lighttpd() {
    if (lighttpd_.empty()) return false;
    const std::string err = lighttpd_server_.start(lighttpd_, docroot_, tmp_.path());
    EXPECT_EQ(err, "");
    return err.empty();
  }
  bool start_hostile(const std::string& mode) {
    if (python_.empty()) return false;
    const std::string err = hostile_.start(python_, docroot_, tmp_.path(), mode);
    EXPECT_EQ(err, "");
    return err.empty();
  }
  DownloadOptions options(const std::string& url) const {
    DownloadOptions o;
    o.database = "sddb";
    o.out_dir = out_;
    o.base_url = url;
    o.connect_timeout_s = 5;
    o.low_speed_time_s = 5;
    return o;
  }
  fs::path target(const std::string& name) const { return out_ / "sddb" / name; }
  /// Every data file of `db` is in the output with the served bytes, no .part left.
  void expect_complete(const SimDb& db) const {
    for (const auto& name : db.data_files()) {
      EXPECT_EQ(read_all(target(name)), db.files.at(name)) << name;
      EXPECT_FALSE(fs::exists(target(name + ".part"))) << name;
    }
    EXPECT_EQ(read_all(target("RECORDS")), db.files.at("RECORDS"));
    EXPECT_EQ(read_all(target("SHA256SUMS.txt")), db.sums());
  }

  TempDir tmp_;
  fs::path lighttpd_, python_, docroot_, out_;
  Lighttpd lighttpd_server_;
  HostileServer hostile_;
};

#define NEED_LIGHTTPD()                                              \
  do {                                                               \
    if (lighttpd_.empty()) GTEST_SKIP() << "lighttpd not installed"; \
    if (!start_lighttpd()) return;                                   \
  } while (false)

#define NEED_HOSTILE(mode)                                        \
  do {                                                            \
    if (python_.empty()) GTEST_SKIP() << "python3 not installed"; \
    if (!start_hostile(mode)) return;                             \
  } while (false)

}  // namespace

// ---- SHA-256 and the manifests (no server) ----

TEST(NetSha256, KnownAnswers) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  for (int i = 0; i < 1000; ++i) h.update(std::string(1000, 'a'));
  EXPECT_EQ(h.hex_digest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  TempDir tmp;
  write_all(tmp.path() / "f", "abc");
  EXPECT_EQ(sha256_file(tmp.path() / "f"), sha256_hex("abc"));
  EXPECT_THROW(sha256_file(tmp.path() / "missing"), NetError);
}

TEST(NetManifest, ParsesSha256SumsInTextAndBinaryForms) {
  const std::string a(64, 'A'), b(64, 'b');
  const auto sums = parse_sha256sums(a + "  30.hea\r\n\n" + b + " *sub/31.dat\n", "S");
  ASSERT_EQ(sums.size(), 2u);
  EXPECT_EQ(sums.at("30.hea"), std::string(64, 'a'));
  EXPECT_EQ(sums.at("sub/31.dat"), b);
}

TEST(NetManifest, RejectsMalformedSha256Sums) {
  const std::string a(64, 'a');
  for (const std::string& bad :
       {std::string("abc  x\n"), a.substr(1) + "g  x\n", a + "x\n", a + "  \n", a + "\tx\n",
        a + "  x\x01y\n", a + "  x\n" + std::string(64, 'b') + "  x\n"}) {
    const std::string msg = net_error_of([&] { parse_sha256sums(bad, "SUMS"); });
    EXPECT_EQ(msg.rfind("SUMS: line ", 0), 0u) << msg;
    expect_one_line(msg);
  }
  EXPECT_NE(net_error_of([&] {
              parse_sha256sums(std::string(kMaxManifestBytes + 1, '\n'), "SUMS");
            }).find("larger than"),
            std::string::npos);
}

TEST(NetManifest, RejectsRecordNamesOutsideTheFolder) {
  for (const std::string& bad :
       std::vector<std::string>{"../evil", "/etc/passwd", "a//b", "a/./b", "a/../b", "sub/", "a b",
                                "a.b", "..", "x\\y", std::string(kMaxNameChars + 1, 'a')}) {
    EXPECT_FALSE(is_safe_relative_name(bad, false)) << bad;
    const std::string msg = net_error_of([&] { parse_records("100\n" + bad + "\n", "RECORDS"); });
    EXPECT_EQ(msg.rfind("RECORDS: line 2: ", 0), 0u) << msg;
  }
  EXPECT_TRUE(is_safe_relative_name("x_mitdb/x_108-1", false));
  EXPECT_TRUE(is_safe_relative_name("sub/52.hea", true));
  EXPECT_NE(net_error_of([] { parse_records("100\n100\n", "R"); }).find("twice"),
            std::string::npos);
  EXPECT_NE(net_error_of([] { parse_records("\n\n", "R"); }).find("no records"), std::string::npos);
  EXPECT_EQ(parse_records("30\r\n31 \n\n", "R"), (std::vector<std::string>{"30", "31"}));
}

TEST(NetManifest, PlanFetchesHeaderSignalAndOfferedAnnotations) {
  const SimDb db = SimDb::standard();
  const auto sums = parse_sha256sums(db.sums(), "S");
  const auto plan = plan_download(find_database("sddb"), "http://h/x", {"30", "31"}, sums);
  EXPECT_EQ(plan.url, "http://h/x/sddb/1.0.0/");
  std::vector<std::string> names;
  for (const auto& f : plan.files) names.push_back(f.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"30.hea", "30.dat", "30.atr", "31.hea", "31.dat", "31.ari"}));
  EXPECT_EQ(plan.files[1].sha256, sha256_hex(db.files.at("30.dat")));
  EXPECT_EQ(plan.not_offered, (std::vector<std::string>{"30.ari", "31.atr"}));
  auto no_dat = sums;
  no_dat.erase("31.dat");
  EXPECT_EQ(
      net_error_of([&] { plan_download(find_database("sddb"), "https://h/", {"31"}, no_dat); }),
      "https://h/sddb/1.0.0/SHA256SUMS.txt: no checksum for 31.dat");
  EXPECT_EQ(find_database("nsrdb").annotators, std::vector<std::string>{"atr"});
  EXPECT_THROW(find_database("vfdb"), NetError);
}

TEST(NetManifest, BaseUrlMustBeHttpOrHttps) {
  EXPECT_EQ(normalise_base_url("https://physionet.org/files"), "https://physionet.org/files/");
  EXPECT_EQ(normalise_base_url("http://127.0.0.1:8080//"), "http://127.0.0.1:8080/");
  for (const char* bad : {"ftp://h/", "file:///etc/", "h/files", "https://", "http:///x",
                          "https://h/a b", "HTTPS://h/"}) {
    EXPECT_THROW(normalise_base_url(bad), NetError) << bad;
  }
  DownloadOptions o;
  o.database = "sddb";
  o.out_dir = "unused";
  o.base_url = "file:///etc/";
  EXPECT_NE(net_error_of([&] { download_database(o); }).find("not an http:// or https:// URL"),
            std::string::npos);
  EXPECT_FALSE(fs::exists("unused"));
}

// ---- lighttpd: the ordinary cases ----

TEST_F(NetDownload, FullDownloadMatchesServedFiles) {
  const SimDb db = SimDb::standard();
  db.write(docroot_);
  NEED_LIGHTTPD();
  std::vector<ProgressEvent> events;
  auto o = options(lighttpd_server_.url());
  o.progress = [&](const ProgressEvent& e) { events.push_back(e); };
  const auto r = download_database(o);
  EXPECT_EQ(r.dir, out_ / "sddb");
  EXPECT_EQ(r.records, 3u);
  EXPECT_EQ(r.files_downloaded, 9u);
  EXPECT_EQ(r.files_present, 0u);
  EXPECT_EQ(r.not_offered, (std::vector<std::string>{"30.ari", "31.atr", "sub/52.ari"}));
  std::uint64_t bytes = 0;
  for (const auto& name : db.data_files()) bytes += db.files.at(name).size();
  EXPECT_EQ(r.bytes_downloaded, bytes);
  expect_complete(db);
  // Files done/total, the last one 9/9.
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().done, 9u);
  EXPECT_EQ(events.back().total, 9u);
  EXPECT_EQ(events.back().task, "download");
}

TEST_F(NetDownload, SecondRunDownloadsNothing) {
  const SimDb db = SimDb::standard();
  db.write(docroot_);
  NEED_LIGHTTPD();
  download_database(options(lighttpd_server_.url()));
  const auto mtime = fs::last_write_time(target("30.dat"));
  const auto r = download_database(options(lighttpd_server_.url()));
  EXPECT_EQ(r.files_downloaded, 0u);
  EXPECT_EQ(r.files_present, 9u);
  EXPECT_EQ(r.bytes_downloaded, 0u);
  EXPECT_EQ(fs::last_write_time(target("30.dat")), mtime);
  expect_complete(db);
  // The server's log (flushed when it stops): each data file requested once, the two
  // manifests twice.
  lighttpd_server_.child.stop();
  const std::string log = read_all(lighttpd_server_.access_log);
  const auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (auto at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("GET /sddb/1.0.0/RECORDS "), 2u) << log;
  EXPECT_EQ(count("GET /sddb/1.0.0/SHA256SUMS.txt "), 2u) << log;
  EXPECT_EQ(count("GET /sddb/1.0.0/30.dat "), 1u) << log;
  EXPECT_EQ(count("GET /sddb/1.0.0/sub/52.hea "), 1u) << log;
  EXPECT_EQ(count("HTTP/1.1\" 200 "), 13u) << log;
}

TEST_F(NetDownload, BadChecksumNamesTheFileAndLeavesNoBadFile) {
  SimDb db = SimDb::standard();
  std::string sums = db.sums();
  const std::string good = sha256_hex(db.files.at("31.dat"));
  sums.replace(sums.find(good), 64, std::string(64, '0'));
  db.write(docroot_, sums);
  NEED_LIGHTTPD();
  const std::string msg = net_error_of([&] { download_database(options(lighttpd_server_.url())); });
  expect_one_line(msg);
  EXPECT_EQ(msg.rfind(lighttpd_server_.url() + "sddb/1.0.0/31.dat: checksum mismatch", 0), 0u)
      << msg;
  EXPECT_FALSE(fs::exists(target("31.dat")));
  EXPECT_FALSE(fs::exists(target("31.dat.part")));
  EXPECT_FALSE(fs::exists(target("RECORDS")));                   // the folder is not complete
  EXPECT_EQ(read_all(target("30.dat")), db.files.at("30.dat"));  // earlier files stay
}

TEST_F(NetDownload, NotFoundNamesTheUrl) {
  const SimDb db = SimDb::standard();
  db.write(docroot_);
  fs::remove(docroot_ / "sddb/1.0.0/sub/52.dat");
  NEED_LIGHTTPD();
  const std::string msg = net_error_of([&] { download_database(options(lighttpd_server_.url())); });
  expect_one_line(msg);
  EXPECT_EQ(msg, lighttpd_server_.url() + "sddb/1.0.0/sub/52.dat: HTTP 404 not found");
  EXPECT_FALSE(fs::exists(target("sub/52.dat")));
  EXPECT_FALSE(fs::exists(target("sub/52.dat.part")));
  // A database the server does not have at all.
  auto o = options(lighttpd_server_.url());
  o.database = "mitdb";
  EXPECT_EQ(net_error_of([&] { download_database(o); }),
            lighttpd_server_.url() + "mitdb/1.0.0/SHA256SUMS.txt: HTTP 404 not found");
}

TEST_F(NetDownload, HostileRecordNamesWriteNothingOutsideTheFolder) {
  SimDb db = SimDb::standard();
  db.files["RECORDS"] = "30\n../../escaped\n";
  db.write(docroot_);
  write_all(docroot_ / "escaped.hea", "x");
  NEED_LIGHTTPD();
  const std::string msg = net_error_of([&] { download_database(options(lighttpd_server_.url())); });
  expect_one_line(msg);
  EXPECT_NE(msg.find("RECORDS: line 2: record name '../../escaped'"), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(out_ / "escaped.hea"));
  EXPECT_FALSE(fs::exists(tmp_.path() / "escaped.hea"));
  EXPECT_FALSE(fs::exists(target("30.dat")));  // refused before any data file
}

TEST_F(NetDownload, OversizeManifestIsRefused) {
  const SimDb db = SimDb::standard();
  db.write(docroot_, std::string(kMaxManifestBytes + 10, '\n'));
  NEED_LIGHTTPD();
  const std::string msg = net_error_of([&] { download_database(options(lighttpd_server_.url())); });
  EXPECT_EQ(msg, lighttpd_server_.url() + "sddb/1.0.0/SHA256SUMS.txt: larger than " +
                     std::to_string(kMaxManifestBytes) + " bytes");
}

TEST_F(NetDownload, RecordsLimitFetchesTheFirstRecordsOnly) {
  const SimDb db = SimDb::standard();
  db.write(docroot_);
  NEED_LIGHTTPD();
  auto o = options(lighttpd_server_.url());
  o.max_records = 1;
  const auto r = download_database(o);
  EXPECT_EQ(r.records, 1u);
  EXPECT_EQ(r.files_downloaded, 3u);
  EXPECT_EQ(read_all(target("RECORDS")), "30\n");
  EXPECT_TRUE(fs::exists(target("30.atr")));
  EXPECT_FALSE(fs::exists(target("31.hea")));
}

TEST_F(NetDownload, OutputThatIsNotADirectoryIsRefused) {
  write_all(out_, "a file");
  const std::string msg = net_error_of([&] { download_database(options("http://127.0.0.1:9/")); });
  EXPECT_EQ(msg, out_.string() + ": not a directory");
  fs::remove(out_);
  write_all(out_ / "sddb", "a file");
  EXPECT_EQ(net_error_of([&] { download_database(options("http://127.0.0.1:9/")); }),
            (out_ / "sddb").string() + ": not a directory");
}

TEST_F(NetDownload, WrongFileInPlaceIsReplaced) {
  const SimDb db = SimDb::standard();
  db.write(docroot_);
  NEED_LIGHTTPD();
  write_all(target("30.dat"), "not the database's bytes");
  const auto r = download_database(options(lighttpd_server_.url()));
  EXPECT_EQ(r.files_downloaded, 9u);
  expect_complete(db);
}

// ---- the hostile Python server ----

TEST_F(NetDownload, TruncatedTransferFailsClearlyAndResumesByRange) {
  const SimDb db = SimDb::standard();
  db.write(docroot_);
  NEED_HOSTILE("truncate");
  const std::string msg = net_error_of([&] { download_database(options(hostile_.url())); });
  expect_one_line(msg);
  EXPECT_EQ(msg.rfind(hostile_.url() + "sddb/1.0.0/30.dat: truncated transfer after 3000 bytes", 0),
            0u)
      << msg;
  EXPECT_FALSE(fs::exists(target("30.dat")));
  ASSERT_EQ(fs::file_size(target("30.dat.part")), 3000u);
  // The next run continues 30.dat from byte 3000 (a GET with a Range header) and stops at the
  // next truncated file, 31.dat; the third run resumes that, the fourth sub/52.dat.
  DownloadResult r;
  std::vector<std::string> errors;
  for (int run = 0; run < 4 && !fs::exists(target("RECORDS")); ++run) {
    try {
      r = download_database(options(hostile_.url()));
    } catch (const NetError& e) {
      errors.push_back(e.what());
    }
  }
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("31.dat: truncated transfer after 2500 bytes"), std::string::npos);
  EXPECT_NE(errors[1].find("sub/52.dat: truncated transfer after 2000 bytes"), std::string::npos);
  EXPECT_EQ(r.files_resumed, 1u);  // sub/52.dat on the last run
  const std::string log = read_all(hostile_.log);
  EXPECT_NE(log.find("/sddb/1.0.0/30.dat bytes=3000-"), std::string::npos) << log;
  EXPECT_NE(log.find("/sddb/1.0.0/31.dat bytes=2500-"), std::string::npos) << log;
  EXPECT_NE(log.find("/sddb/1.0.0/sub/52.dat bytes=2000-"), std::string::npos) << log;
  expect_complete(db);
}

TEST_F(NetDownload, ServerIgnoringRangeDoesNotCorruptTheFile) {
  const SimDb db = SimDb::standard();
  db.write(docroot_);
  NEED_HOSTILE("ignore-range");
  // A .part holding the first half of 30.dat: resuming asks for a range, the server sends the
  // whole file with 200; appending it would corrupt the file.
  write_all(target("30.dat.part"), db.files.at("30.dat").substr(0, 2500));
  const auto r = download_database(options(hostile_.url()));
  EXPECT_EQ(r.files_downloaded, 9u);
  expect_complete(db);
  const std::string log = read_all(hostile_.log);
  EXPECT_NE(log.find("/sddb/1.0.0/30.dat bytes=2500-"), std::string::npos) << log;
}

TEST_F(NetDownload, CorruptPartFileIsDetectedAndRemoved) {
  const SimDb db = SimDb::standard();
  db.write(docroot_);
  NEED_HOSTILE("none");
  // A .part whose bytes are not the start of 31.dat: the range is honoured, the joined file
  // fails its checksum, and the next run fetches it whole.
  write_all(target("31.dat.part"), std::string(1000, 'x'));
  const std::string msg = net_error_of([&] { download_database(options(hostile_.url())); });
  EXPECT_EQ(msg.rfind(hostile_.url() + "sddb/1.0.0/31.dat: checksum mismatch", 0), 0u) << msg;
  EXPECT_FALSE(fs::exists(target("31.dat.part")));
  EXPECT_FALSE(fs::exists(target("31.dat")));
  download_database(options(hostile_.url()));
  expect_complete(db);
}

TEST_F(NetDownload, PartLongerThanTheFileGets416AndStartsAgain) {
  const SimDb db = SimDb::standard();
  db.write(docroot_);
  NEED_HOSTILE("none");
  // A .part at least as long as 30.dat (junk, or a file that shrank on the server): the range
  // cannot be satisfied (416), and the transfer starts again from byte 0.
  const auto size = db.files.at("30.dat").size();
  write_all(target("30.dat.part"), std::string(size + 100, 'x'));
  const auto r = download_database(options(hostile_.url()));
  EXPECT_EQ(r.files_downloaded, 9u);
  expect_complete(db);
  EXPECT_FALSE(fs::exists(target("30.dat.part")));
  const std::string log = read_all(hostile_.log);
  const auto ranged = "/sddb/1.0.0/30.dat bytes=" + std::to_string(size + 100) + "-";
  EXPECT_NE(log.find(ranged), std::string::npos) << log;
  EXPECT_NE(log.find("/sddb/1.0.0/30.dat None"), std::string::npos) << log;
}

TEST_F(NetDownload, StallingServerTimesOutQuickly) {
  const SimDb db = SimDb::standard();
  db.write(docroot_);
  NEED_HOSTILE("stall");
  auto o = options(hostile_.url());
  o.low_speed_time_s = 2;
  const auto t0 = std::chrono::steady_clock::now();
  const std::string msg = net_error_of([&] { download_database(o); });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  expect_one_line(msg);
  EXPECT_EQ(msg.rfind(hostile_.url() + "sddb/1.0.0/30.dat: stalled or timed out after 10 bytes", 0),
            0u)
      << msg;
  EXPECT_LT(seconds, 15.0);
  EXPECT_EQ(fs::file_size(target("30.dat.part")), 10u);  // kept for resuming
}
