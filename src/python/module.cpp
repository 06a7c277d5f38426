// _parley: the compiled half of the Python package `parley` (src/python/parley). It runs the
// `parley` program's own commands in-process (cli/dispatch.hpp), so that parley.run(...) and
// `parley run ...` take the same inputs, refuse the same mistakes and write the same files;
// the Python half reads those files back with xarray.
//
// A command runs on a worker thread while the calling thread, without the GIL, waits in short
// steps; between steps it reports progress to a Python callable and checks for signals, so that
// Ctrl-C (a notebook's interrupt) raises KeyboardInterrupt there and stops the command as SIGINT
// stops the program: the runs in flight finish, an interrupted run keeps them in OUTPUT.partial.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <variant>
#include <vector>

#include "../cli/dispatch.hpp"
#include "../cli/host.hpp"
#include "parley/io/file_info.hpp"
#include "parley/io/io_error.hpp"
#include "parley/io/sobol_file.hpp"
#include "parley/version.hpp"

namespace py = pybind11;

namespace {

std::mutex g_one_at_a_time;

// Text for Python: what Parley prints may quote bytes of a file that are not UTF-8 (a binary
// file given as a text); they become U+FFFD rather than a UnicodeDecodeError.
py::str text(const std::string& s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (o == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

// Raises `type` with `message` (as text()).
[[noreturn]] void raise(PyObject* type, const std::string& message) {
  PyErr_SetObject(type, text(message).ptr());
  throw py::error_already_set();
}

// std::cout and std::cerr go to `out` and `err` while it lives (one command at a time).
class Capture {
 public:
  Capture(std::ostream& out, std::ostream& err)
      : out_(std::cout.rdbuf(out.rdbuf())), err_(std::cerr.rdbuf(err.rdbuf())) {}
  ~Capture() {
    std::cout.rdbuf(out_);
    std::cerr.rdbuf(err_);
  }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

 private:
  std::streambuf* out_;
  std::streambuf* err_;
};

// Runs `parley ARGS...`; returns (exit code, stdout, stderr); `most_rows` > 0 bounds the rows of
// the file a command writes (cli::Host::most_rows). `progress(done, total)` is called
// from the calling thread about ten times a second while the command counts something.
std::tuple<int, py::str, py::str> call(const std::vector<std::string>& args,
                                       const std::string& command_line,
                                       const std::optional<py::function>& progress,
                                       std::uint64_t most_rows) {
  std::unique_lock<std::mutex> busy(g_one_at_a_time, std::try_to_lock);
  if (!busy.owns_lock()) {
    throw std::runtime_error("another Parley command is running in this process (one at a time)");
  }
  parley::cli::Host host;
  host.most_rows = most_rows;
  std::ostringstream out, err;
  int code = 0;
  bool finished = false;
  std::mutex m;
  std::condition_variable cv;
  std::optional<py::error_already_set> raised;  // from the callback or a signal

  {
    const Capture capture(out, err);
    parley::cli::set_host(&host);
    std::thread worker([&] {
      int c = 0;
      try {
        c = parley::cli::dispatch(args, command_line, err);
      } catch (...) {
        err << "parley: internal error\n";
        c = 1;
      }
      const std::lock_guard<std::mutex> lock(m);
      code = c;
      finished = true;
      cv.notify_all();
    });
    for (;;) {
      bool done_now = false;
      {
        const py::gil_scoped_release nogil;
        std::unique_lock<std::mutex> lock(m);
        done_now = cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return finished; });
      }
      if (done_now) break;
      if (raised) continue;  // cancelled: wait for the runs in flight
      try {
        if (progress) (*progress)(host.done.load(), host.total.load());
        if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      } catch (py::error_already_set& e) {
        raised.emplace(std::move(e));
        host.cancel.store(true);
      }
    }
    worker.join();
    parley::cli::set_host(nullptr);
  }
  if (raised) {
    // The command stopped as after SIGINT; its message (what was kept where) goes with the error.
    const std::string message = err.str();
    if (raised->matches(PyExc_KeyboardInterrupt)) {
      raised.reset();  // replaced by one that carries the message
      raise(PyExc_KeyboardInterrupt, message);
    }
    throw std::move(*raised);
  }
  if (progress) (*progress)(host.done.load(), host.total.load());
  return {code, text(out.str()), text(err.str())};
}

// Validates a Parley file with the reader `parley info` uses for its type; returns the type.
// Throws ValueError with the reader's message (file, what is wrong) when it is not valid.
std::string check(const std::string& path) {
  try {
    const parley::io::AnyFile file = parley::io::read_any_file(path);
    if (std::holds_alternative<parley::io::StoredPosterior>(file))
      return parley::io::kPosteriorFiletype;
    if (std::holds_alternative<parley::io::SobolInfo>(file)) return parley::io::kSobolFiletype;
    return std::get<parley::io::FileInfo>(file).header.filetype;
  } catch (const parley::io::InvalidFile& e) {
    raise(PyExc_ValueError, e.what());
  } catch (const parley::io::IoError& e) {
    raise(PyExc_OSError, e.what());
  }
}

}  // namespace

PYBIND11_MODULE(_parley, m) {
  m.doc() = "Parley's commands, run in-process (see the package parley)";
  m.attr("version") = std::string(parley::kVersion);
  m.def("call", &call, py::arg("args"), py::arg("command_line"), py::arg("progress") = py::none(),
        py::arg("most_rows") = 0,
        "Run `parley ARGS...` in-process; returns (exit code, stdout, stderr). most_rows > 0: "
        "refuse, before anything runs, a file of more rows (runs) than that.");
  m.def("check", &check, py::arg("path"),
        "Validate a Parley file as `parley info` reads it; returns its filetype.");
}
