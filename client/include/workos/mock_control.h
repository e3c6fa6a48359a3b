// The workos-mock control plane (/_mock/...): environments, clock, outbox, scanner, faults,
// request journal, redirect URIs, state. Scoped to the environment whose API key the
// transport's Config carries (Authorization: Bearer <api_key>).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "workos/config.h"
#include "workos/http.h"

namespace workos {

struct RedirectUri {
  std::string uri;
  bool is_default = false;  // "default" in JSON
};

struct Environment {
  std::string object;  // "environment"
  std::string name;
  std::string kind;  // "staging" | "production"
  std::string api_key;
  std::string client_id;
  std::vector<RedirectUri> redirect_uris;
  nlohmann::json raw;

  // `base` with this environment's api_key and client_id.
  Config ApplyTo(Config base) const;
};

struct CreateEnvironmentOptions {
  std::string kind;                        // empty: server default (staging)
  std::vector<std::string> redirect_uris;  // empty: server default
  std::string name;                        // empty: generated
};

struct Clock {
  std::string now;  // ISO-8601
  std::int64_t offset_seconds = 0;
  nlohmann::json raw;
};

struct Email {
  std::string object;  // "email"
  std::string id;
  std::string to;
  std::string from;
  std::string subject;
  std::string text;
  std::string html;
  std::string link;
  std::string session_id;
  std::string sent_at;
  nlohmann::json raw;  // incl. scanner visits when present
};

struct FaultSpec {
  std::string method;                          // e.g. "GET"
  std::string path;                            // exact path, e.g. "/connections"
  int status = 0;                              // 0: server default
  nlohmann::json body;                         // null: server default
  std::map<std::string, std::string> headers;  // e.g. {"Retry-After", "1"}
  int delay_ms = 0;
  int times = 0;                   // 0: server default (1)
  std::string action = "respond";  // "respond" | "close"
};

struct Fault {
  std::string object;  // "fault"
  std::string id;
  std::string method;
  std::string path;
  std::string action;
  int status = 0;
  int delay_ms = 0;
  int times = 0;
  int remaining = 0;
  nlohmann::json raw;
};

struct JournalEntry {
  std::string id;
  std::string at;
  std::string method;
  std::string path;
  nlohmann::json query;
  int status = 0;
  std::string request_id;
  std::string user_agent;
  nlohmann::json headers;
  nlohmann::json body;
  nlohmann::json raw;

  // A request header's value from `headers` (case-insensitive name), "" when absent.
  std::string header(const std::string& name) const;
};

struct ScannerSettings {
  std::string mode = "off";  // off | prefetch | prefetch_follow | head
  std::vector<std::string> allowlist;
  int delay_ms = 0;
};

// What a browser sees when it opens a magic link (redirects are not followed).
struct LinkVisit {
  long status = 0;
  std::string location;  // Location header of a redirect
  std::string code;      // `code` query parameter of location
  std::string state;     // `state` query parameter of location
  std::string error;     // `error` query parameter of location
  std::string body;
  std::string request_id;
};

class MockControl {
 public:
  explicit MockControl(Config config);
  explicit MockControl(std::shared_ptr<Transport> transport) : t_(std::move(transport)) {}

  // POST /_mock/environments (no API key needed) → 201.
  Environment CreateEnvironment(const CreateEnvironmentOptions& options = {});
  // DELETE /_mock/environments/{name} → 204.
  void DeleteEnvironment(const std::string& name);
  // POST /_mock/reset.
  void Reset();

  Clock GetClock();
  Clock AdvanceClock(std::int64_t seconds);

  // GET /_mock/outbox[?email=], newest first.
  std::vector<Email> ListOutbox(const std::string& email = "");
  // GET /_mock/outbox/latest?email=[&wait=]; nullopt on 404 (nothing arrived in time).
  std::optional<Email> LatestEmail(const std::string& email, int wait_seconds = 0);

  Fault AddFault(const FaultSpec& spec);
  std::vector<Fault> ListFaults();
  void ClearFaults();

  // GET /_mock/requests, newest first.
  std::vector<JournalEntry> ListRequests();
  void ClearRequests();

  // PUT /_mock/redirect_uris → the environment.
  Environment SetRedirectUris(const std::vector<std::string>& uris);
  // GET / PUT /_mock/scanner.
  nlohmann::json GetScanner();
  nlohmann::json SetScanner(const ScannerSettings& settings);
  // GET / PUT /_mock/settings (idempotent_replay, head_consumes_links); PUT sends only the keys
  // of `changes`, e.g. {{"idempotent_replay", true}}, and returns all settings.
  nlohmann::json GetSettings();
  nlohmann::json SetSettings(const nlohmann::json& changes);
  // GET /_mock/passwordless/sessions/{id}: the session's lifecycle.
  nlohmann::json GetPasswordlessSession(const std::string& session_id);

  nlohmann::json GetState();
  nlohmann::json PutState(const nlohmann::json& state);

  // Opens `url` like a browser (no API key, redirects not followed).
  LinkVisit OpenLink(const std::string& url, const std::string& method = "GET",
                     const std::string& user_agent = "");

  Transport& transport() { return *t_; }

 private:
  std::shared_ptr<Transport> t_;
};

void from_json(const nlohmann::json& j, RedirectUri& r);
void from_json(const nlohmann::json& j, Environment& e);
void from_json(const nlohmann::json& j, Clock& c);
void from_json(const nlohmann::json& j, Email& e);
void from_json(const nlohmann::json& j, Fault& f);
void from_json(const nlohmann::json& j, JournalEntry& e);

// The value of query parameter `name` in `url` (decoded), "" when absent.
std::string QueryParam(const std::string& url, const std::string& name);

}  // namespace workos
