// Sentiment analysis on the command line's texts, as transformers' pipeline("sentiment-analysis").
//   sentiment MODEL TEXT...        (MODEL: a repo id such as org/name, or a model folder)
#include <hub/error.h>
#include <hub/pipeline.h>

#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: sentiment MODEL TEXT...\n";
    return 2;
  }
  try {
    auto clf = hub::pipeline("sentiment-analysis", argv[1]);
    for (int i = 2; i < argc; ++i) {
      auto out = clf(argv[i]);
      const hub::ClassLabel& best = out.texts[0].labels.at(0);
      std::cout << best.label << "\t" << best.score << "\t" << argv[i] << "\n";
    }
  } catch (const hub::Error& e) {
    std::cerr << "error (" << to_string(e.code()) << "): " << e.what() << "\n";
    return 1;
  }
}
