#pragma once

#include <rapidjson/writer.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "api/string_output.h"
#include "domain/catalog_types.h"
#include "domain/fetch_types.h"
#include "domain/reading.h"
#include "query/fetch_query.h"
#include "storage/store.h"

namespace dc::api {

// Thrown by FetchWriter once the answer passes its bound; the fetch answers
// 400 instead, and nothing of the partial answer is sent.
class FetchAnswerTooLarge : public std::runtime_error {
 public:
  explicit FetchAnswerTooLarge(size_t bound)
      : std::runtime_error("the answer is over " + std::to_string(bound) + " bytes"),
        bound_(bound) {}
  size_t bound() const { return bound_; }

 private:
  size_t bound_;
};

// Renders a fetch answer in the shapes of docs/api.md "Fetch", one piece at a
// time, so a 100,000-reading answer is written as it is read. Numbers are
// written in shortest round-trip form; a number that is not finite throws
// std::logic_error before anything of it is written (the fetch's task is
// guarded: a 500). Once the text written passes `max_bytes`, the next piece
// (or the end) throws FetchAnswerTooLarge. Not thread-safe; one per answer.
class FetchWriter {
 public:
  // Which optional members raw readings carry, and which statistics.
  struct Fields {
    bool lat_long = false;
    bool x_axis = false;
    bool metadata = false;
    std::vector<AggregateFunc> functions;
    bool bucket_timestamp = false;
  };

  FetchWriter(std::string* out, Fields fields, size_t max_bytes = kMaxFetchAnswerBytes);

  // `{"id": 67, "name": "…", "inputs": [` … `]}` around the inputs.
  void BeginAsset(const Asset& asset);
  void EndAsset();
  // `[` … `]` around the inputs.
  void BeginList();
  void EndList();
  // `{"input": {...}, "inputdata": [` … `]}`.
  void BeginInput(const Input& input);
  void EndInput();

  void AddReading(const Reading& reading);
  void AddBucket(const StatsBucket& bucket);

 private:
  // Throws FetchAnswerTooLarge when the answer is over max_bytes_. Called
  // before each reading, bucket and input, so that rendering stops within
  // one piece (a reading is at most ~66 KiB, its metadata 64 KiB) of the
  // bound, and after the closing bracket, so that no complete answer over
  // the bound is ever handed out.
  void CheckSize() const;
  // Throws std::logic_error for a value that is not finite.
  void Number(double value);
  void OptionalNumber(const std::optional<double>& value);
  // `null` for what an empty set of readings does not have.
  void NumberUnless(bool null, double value);
  void Raw(const std::string& json, rapidjson::Type type);
  void Text(const std::string& text);
  void TimestampValue(Timestamp ts);

  std::string* out_;
  size_t max_bytes_;
  StringOutput output_;
  rapidjson::Writer<StringOutput> writer_;
  Fields fields_;
};

}  // namespace dc::api
