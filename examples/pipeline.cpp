// A three-stage pipeline over real text files: one reader thread splits files
// into chunks, N worker threads count the words of each chunk, and the main
// thread aggregates the partial counts — connected by channels.
//
//   reader --bounded(16) mpmc--> workers x N --unbounded mpsc--> aggregator
//
// The bounded channel gives back-pressure (the reader never gets more than 16
// chunks ahead); its cloned receivers share the chunks among the workers, each
// chunk to exactly one. The aggregator selects between results and a watchdog
// timer. Usage: pipeline [DIR...]   (default: /usr/share/common-licenses)
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fearless/sync/mpmc.hpp"
#include "fearless/sync/mpsc.hpp"
#include "fearless/thread.hpp"

namespace fs = std::filesystem;
namespace mpmc = fearless::sync::mpmc;
namespace mpsc = fearless::sync::mpsc;
namespace thread = fearless::thread;
using namespace std::chrono_literals;

struct Chunk {
  std::size_t file;  // index into the file list
  std::string text;  // whole lines
};

struct Counts {
  std::size_t lines = 0, words = 0, bytes = 0;
  std::unordered_map<std::string, std::size_t> freq;
};

static Counts count_words(const std::string& text) {
  Counts c;
  c.bytes = text.size();
  std::string word;
  for (char ch : text) {
    if (ch == '\n') ++c.lines;
    if (std::isalpha(static_cast<unsigned char>(ch))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    } else if (!word.empty()) {
      ++c.words;
      ++c.freq[word];
      word.clear();
    }
  }
  if (!word.empty()) {
    ++c.words;
    ++c.freq[word];
  }
  return c;
}

int main(int argc, char** argv) {
  std::vector<std::string> dirs;
  for (int i = 1; i < argc; ++i) dirs.emplace_back(argv[i]);
  if (dirs.empty()) dirs.emplace_back("/usr/share/common-licenses");

  std::vector<fs::path> files;
  std::uintmax_t expected_bytes = 0;
  for (const auto& d : dirs) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(d, ec)) {
      if (!e.is_regular_file(ec)) continue;  // follows symlinks
      files.push_back(e.path());
      expected_bytes += fs::file_size(e.path(), ec);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::printf("no text files found in the given directories\n");
    return 1;
  }

  const std::size_t workers = std::max<std::size_t>(2, thread::available_parallelism().unwrap_or(2));
  auto [chunk_tx, chunk_rx] = mpmc::bounded<Chunk>(16);
  auto [result_tx, result_rx] = mpsc::channel<Counts>();

  // Stage 1: the reader. Chunks of 64 lines; dropping chunk_tx at the end
  // disconnects the workers' receivers once they have drained the channel.
  auto reader = thread::spawn([&files, tx = std::move(chunk_tx)] {
    std::size_t chunks = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
      std::ifstream in(files[i], std::ios::binary);
      std::string line, text;
      std::size_t n = 0;
      while (std::getline(in, line)) {
        text += line;
        text += '\n';
        if (++n == 64) {
          tx.send(Chunk{i, std::move(text)}).unwrap();
          ++chunks;
          text.clear();
          n = 0;
        }
      }
      if (!text.empty()) {
        tx.send(Chunk{i, std::move(text)}).unwrap();
        ++chunks;
      }
    }
    return chunks;
  });

  // Stage 2: the workers, each with its own receiver and sender clone.
  std::vector<thread::JoinHandle<std::size_t>> pool;
  for (std::size_t w = 0; w < workers; ++w) {
    pool.push_back(thread::spawn([rx = chunk_rx.clone(), tx = result_tx.clone()] {
      std::size_t done = 0;
      for (Chunk c : rx) {  // ends when the reader is done and the channel drained
        tx.send(count_words(c.text)).unwrap();
        ++done;
      }
      return done;
    }));
  }
  { auto drop = std::move(chunk_rx); }   // only the workers receive chunks
  { auto drop = std::move(result_tx); }  // results end when the last worker ends

  // Stage 3: the aggregator (this thread), with a watchdog.
  Counts total;
  std::size_t partials = 0;
  auto watchdog = mpmc::after(60s);
  bool running = true;
  while (running) {
    mpmc::select(
        mpmc::on_recv(result_rx,
                      [&](fearless::Result<Counts, mpsc::RecvError> r) {
                        if (r.is_err()) {  // every worker has finished
                          running = false;
                          return;
                        }
                        Counts c = std::move(r).unwrap();
                        ++partials;
                        total.lines += c.lines;
                        total.words += c.words;
                        total.bytes += c.bytes;
                        for (auto& [w, n] : c.freq) total.freq[w] += n;
                      }),
        mpmc::on_recv(watchdog, [&](auto) {
          std::printf("pipeline: gave up after 60 s\n");
          running = false;
        }));
  }

  const std::size_t chunks = reader.join().unwrap();
  std::size_t per_worker_sum = 0;
  std::string spread;
  for (auto& h : pool) {
    const std::size_t n = h.join().unwrap();
    per_worker_sum += n;
    if (!spread.empty()) spread += '/';
    spread += std::to_string(n);
  }

  std::vector<std::pair<std::string, std::size_t>> top(total.freq.begin(), total.freq.end());
  std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  std::printf("top words:");
  for (std::size_t i = 0; i < std::min<std::size_t>(5, top.size()); ++i) std::printf(" %s(%zu)", top[i].first.c_str(), top[i].second);
  std::printf("\n");
  std::printf("pipeline: %zu files, %zu chunks -> %zu workers (%s) -> %zu partial counts; %zu lines, %zu words, "
              "%zu distinct, %zu bytes (%s)\n",
              files.size(), chunks, workers, spread.c_str(), partials, total.lines, total.words, total.freq.size(),
              total.bytes,
              total.bytes == expected_bytes && partials == chunks && per_worker_sum == chunks ? "all accounted for"
                                                                                               : "MISMATCH");
  return total.bytes == expected_bytes && partials == chunks ? 0 : 1;
}
