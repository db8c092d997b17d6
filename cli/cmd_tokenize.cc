// hub tokenize / hub detokenize: run a tokenizer over lines of input.
//
//   hub tokenize TOKENIZER [--no-special] [--pair] [--batch N] [--jsonl FILE] [--json]
//   hub detokenize TOKENIZER [--skip-special] [--json]
//
// TOKENIZER is what hub::AutoTokenizer::from_pretrained takes: a tokenizer.json file, a model
// folder (tokenizer.json, or vocab.txt / vocab.json + merges.txt / a SentencePiece .model, with
// tokenizer_config.json), or a repo id, pulled into the cache like `hub pull` (or, with --offline,
// found there).
// tokenize reads one text per line from stdin, or with --jsonl one JSON string per line from FILE
// ("-" = stdin); with --pair each input is a pair: a JSON array of two strings, or two texts
// separated by a tab in plain-text mode. It prints one JSON object per input: ids, tokens, offsets
// (code points), type_ids, special_tokens_mask, attention_mask, word_ids, decode (special tokens
// kept) and decode_skip_special. An input that fails to encode prints {"error": {...}} and the
// command goes on (exit status 1 at the end). With --batch N, inputs are encoded N at a time with
// encode_batch (all cores; batch padding such as BatchLongest applies across each group).
// detokenize reads one JSON array of ids per line and prints the decoded text (a JSON string
// per line with --json).
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "hub/auto_tokenizer.h"
#include "hub/error.h"
#include "hub/tokenizer.h"

namespace hub::cli {
namespace {

struct TokenizeArgs {
  std::string tokenizer;
  bool no_special = false;
  bool pair = false;
  bool skip_special = false;
  std::size_t batch = 0;
  std::optional<std::string> jsonl;
};

Tokenizer load(const std::string& where, const GlobalOptions& g) {
  PretrainedOptions options;
  options.settings = g.settings();
  options.local_files_only = g.offline;
  return AutoTokenizer::from_pretrained(where, options);
}

// JSON.stringify writes lone UTF-16 surrogates as \uD800-style escapes, which nlohmann rejects;
// the JS binding sees U+FFFD for each, so do the same before parsing.
std::string fix_lone_surrogates(const std::string& line) {
  auto hex4 = [&](std::size_t at, unsigned& v) {
    if (at + 4 > line.size()) return false;
    v = 0;
    for (std::size_t k = at; k < at + 4; ++k) {
      char c = line[k];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<unsigned>(c - 'A' + 10);
      else
        return false;
    }
    return true;
  };
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '\\' || i + 1 >= line.size()) {
      out.push_back(line[i]);
      continue;
    }
    if (line[i + 1] != 'u') {
      out.append(line, i, 2);
      ++i;
      continue;
    }
    unsigned v = 0, w = 0;
    if (!hex4(i + 2, v)) {
      out.push_back(line[i]);
      continue;
    }
    if (v >= 0xD800 && v <= 0xDBFF) {
      if (i + 11 < line.size() + 0 && line[i + 6] == '\\' && line[i + 7] == 'u' && hex4(i + 8, w) && w >= 0xDC00 &&
          w <= 0xDFFF) {
        out.append(line, i, 12);
        i += 11;
        continue;
      }
      out += "\\ufffd";
    } else if (v >= 0xDC00 && v <= 0xDFFF) {
      out += "\\ufffd";
    } else {
      out.append(line, i, 6);
    }
    i += 5;
  }
  return out;
}

nlohmann::json encoding_json(const Tokenizer& tok, const Encoding& e) {
  nlohmann::json offsets = nlohmann::json::array();
  for (const auto& [s, t] : e.offsets) offsets.push_back({s, t});
  nlohmann::json words = nlohmann::json::array();
  for (const auto& w : e.word_ids) words.push_back(w ? nlohmann::json(*w) : nlohmann::json(nullptr));
  return {{"ids", e.ids},
          {"tokens", e.tokens},
          {"offsets", offsets},
          {"type_ids", e.type_ids},
          {"special_tokens_mask", e.special_tokens_mask},
          {"attention_mask", e.attention_mask},
          {"word_ids", words},
          {"decode", tok.decode(e.ids, false)},
          {"decode_skip_special", tok.decode(e.ids, true)}};
}

nlohmann::json error_json(const std::exception& e) {
  const auto* he = dynamic_cast<const Error*>(&e);
  return {
      {"error", {{"code", he ? std::string(to_string(he->code())) : std::string("internal")}, {"message", e.what()}}}};
}

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

int run_tokenize(const TokenizeArgs& a, const GlobalOptions& g) {
  Tokenizer tok = load(a.tokenizer, g);
  std::ifstream file;
  std::istream* in = &std::cin;
  if (a.jsonl && *a.jsonl != "-") {
    file.open(*a.jsonl, std::ios::binary);
    if (!file) throw Error(Errc::io, "cannot open " + *a.jsonl, {.path = *a.jsonl});
    in = &file;
  }
  bool add_special = !a.no_special;
  int status = 0;
  std::vector<std::string> pending;  // --batch: texts waiting for encode_batch
  auto flush = [&] {
    if (pending.empty()) return;
    try {
      for (const Encoding& e : tok.encode_batch(pending, add_special)) std::cout << dump(encoding_json(tok, e)) << '\n';
    } catch (const std::exception& e) {
      for (std::size_t k = 0; k < pending.size(); ++k) std::cout << dump(error_json(e)) << '\n';
      status = 1;
    }
    pending.clear();
  };
  std::string line;
  for (std::size_t n = 1; std::getline(*in, line); ++n) {
    if (!line.empty() && line.back() == '\r' && a.jsonl) line.pop_back();
    try {
      std::string first, second;
      if (a.jsonl) {
        if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines are not records
        nlohmann::json v;
        try {
          v = nlohmann::json::parse(fix_lone_surrogates(line));
        } catch (const nlohmann::json::exception& e) {
          throw Error(Errc::invalid_input, "line " + std::to_string(n) + ": not valid JSON: " + e.what());
        }
        if (a.pair) {
          if (!v.is_array() || v.size() != 2 || !v[0].is_string() || !v[1].is_string())
            throw Error(Errc::invalid_input, "line " + std::to_string(n) + ": expected a JSON array of two strings");
          first = v[0].get<std::string>();
          second = v[1].get<std::string>();
        } else {
          if (!v.is_string())
            throw Error(Errc::invalid_input, "line " + std::to_string(n) + ": expected a JSON string");
          first = v.get<std::string>();
        }
      } else if (a.pair) {
        auto tab = line.find('\t');
        if (tab == std::string::npos)
          throw Error(Errc::invalid_input, "line " + std::to_string(n) + ": expected two texts separated by a tab");
        first = line.substr(0, tab);
        second = line.substr(tab + 1);
      } else {
        first = line;
      }
      if (a.batch > 0) {
        pending.push_back(std::move(first));
        if (pending.size() >= a.batch) flush();
        continue;
      }
      Encoding e = a.pair ? tok.encode_pair(first, second, add_special) : tok.encode(first, add_special);
      std::cout << dump(encoding_json(tok, e)) << '\n';
    } catch (const std::exception& e) {
      flush();
      std::cout << dump(error_json(e)) << '\n';
      status = 1;
    }
  }
  flush();
  std::cout.flush();
  return status;
}

int run_detokenize(const TokenizeArgs& a, const GlobalOptions& g) {
  Tokenizer tok = load(a.tokenizer, g);
  std::string line;
  int status = 0;
  for (std::size_t n = 1; std::getline(std::cin, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      nlohmann::json v;
      try {
        v = nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception& e) {
        throw Error(Errc::invalid_input, "line " + std::to_string(n) + ": not valid JSON: " + e.what());
      }
      if (!v.is_array())
        throw Error(Errc::invalid_input, "line " + std::to_string(n) + ": expected a JSON array of ids");
      std::vector<std::uint32_t> ids;
      for (const auto& x : v) {
        if (!x.is_number_unsigned() || x.get<std::uint64_t>() > 0xFFFFFFFFull)
          throw Error(Errc::invalid_input, "line " + std::to_string(n) + ": ids must be unsigned 32-bit integers");
        ids.push_back(x.get<std::uint32_t>());
      }
      std::string text = tok.decode(ids, a.skip_special);
      if (g.json)
        std::cout << dump(nlohmann::json(text)) << '\n';
      else
        std::cout << text << '\n';
    } catch (const std::exception& e) {
      if (g.json)
        std::cout << dump(error_json(e)) << '\n';
      else
        std::cerr << "error: " << e.what() << '\n';
      status = 1;
    }
  }
  std::cout.flush();
  return status;
}

}  // namespace

void register_tokenize(CLI::App& app, GlobalOptions& g, Action& action) {
  auto args = std::make_shared<TokenizeArgs>();
  auto* cmd = app.add_subcommand("tokenize", "Encode text with a tokenizer: one JSON object per input line");
  cmd->add_option("tokenizer", args->tokenizer, "tokenizer.json file, model folder or repo id")->required();
  cmd->add_flag("--no-special", args->no_special, "Do not add the post-processor's special tokens");
  cmd->add_flag("--pair", args->pair, "Each input is a pair of texts (JSON array of two strings, or TAB-separated)");
  cmd->add_option("--jsonl", args->jsonl, "Read one JSON string per line from FILE ('-' = stdin)");
  cmd->add_option("--batch", args->batch, "Encode N inputs at a time with encode_batch (not with --pair)");
  add_network_options(*cmd, g);
  add_cache_option(*cmd, g);
  add_output_options(*cmd, g);
  cmd->callback([args, &g, &action] {
    if (args->batch > 0 && args->pair) throw CLI::ValidationError("--batch", "cannot be combined with --pair");
    action = [args, &g] { return run_tokenize(*args, g); };
  });
}

void register_detokenize(CLI::App& app, GlobalOptions& g, Action& action) {
  auto args = std::make_shared<TokenizeArgs>();
  auto* cmd = app.add_subcommand("detokenize", "Decode JSON arrays of token ids (one per line) to text");
  cmd->add_option("tokenizer", args->tokenizer, "tokenizer.json file, model folder or repo id")->required();
  cmd->add_flag("--skip-special", args->skip_special, "Leave special tokens out");
  add_network_options(*cmd, g);
  add_cache_option(*cmd, g);
  add_output_options(*cmd, g);
  cmd->callback([args, &g, &action] { action = [args, &g] { return run_detokenize(*args, g); }; });
}

}  // namespace hub::cli
