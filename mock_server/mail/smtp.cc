#include "mail/smtp.h"

#include <curl/curl.h>

#include <cstring>
#include <ctime>
#include <mutex>

#include "domain/ids.h"

namespace workos_mock {
namespace {

std::string Base64Lines(const std::string& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string flat;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    flat += kAlphabet[(n >> 18) & 63];
    flat += kAlphabet[(n >> 12) & 63];
    flat += kAlphabet[(n >> 6) & 63];
    flat += kAlphabet[n & 63];
  }
  if (i < in.size()) {
    uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    flat += kAlphabet[(n >> 18) & 63];
    flat += kAlphabet[(n >> 12) & 63];
    flat += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    flat += '=';
  }
  std::string out;
  for (size_t p = 0; p < flat.size(); p += 76) out += flat.substr(p, 76) + "\r\n";
  return out;
}

// Header values: plain ASCII as is (CR/LF dropped so nothing can be injected), anything else as
// an RFC 2047 encoded word.
std::string HeaderValue(const std::string& v) {
  std::string clean;
  bool ascii = true;
  for (unsigned char c : v) {
    if (c == '\r' || c == '\n') continue;
    ascii &= c < 0x80;
    clean += static_cast<char>(c);
  }
  if (ascii) return clean;
  std::string b64 = Base64Lines(clean);
  std::string joined;
  for (char c : b64)
    if (c != '\r' && c != '\n') joined += c;
  return "=?UTF-8?B?" + joined + "?=";
}

std::string RfcDate(int64_t now_ms) {
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string Crlf(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out += '\r';
    out += s[i];
  }
  return out;
}

struct Upload {
  const std::string* data;
  size_t pos = 0;
};

size_t ReadPayload(char* buffer, size_t size, size_t nitems, void* userp) {
  auto* up = static_cast<Upload*>(userp);
  const size_t room = size * nitems;
  const size_t n = std::min(room, up->data->size() - up->pos);
  std::memcpy(buffer, up->data->data() + up->pos, n);
  up->pos += n;
  return n;
}

}  // namespace

std::string BareAddress(const std::string& mailbox) {
  auto open = mailbox.rfind('<');
  auto close = mailbox.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open)
    return mailbox.substr(open + 1, close - open - 1);
  return mailbox;
}

std::string MimeMessage(const Email& e, int64_t now_ms, const std::string& boundary) {
  const std::string from_addr = BareAddress(e.from);
  const std::string domain = from_addr.find('@') == std::string::npos
                                 ? "workos-mock.dev"
                                 : from_addr.substr(from_addr.find('@') + 1);
  std::string m;
  m += "Date: " + RfcDate(now_ms) + "\r\n";
  m += "From: " + HeaderValue(e.from) + "\r\n";
  m += "To: " + HeaderValue(e.to) + "\r\n";
  m += "Subject: " + HeaderValue(e.subject) + "\r\n";
  m += "Message-ID: <" + e.id + "@" + HeaderValue(domain) + ">\r\n";
  m += "X-WorkOS-Mock-Session: " + HeaderValue(e.session_id) + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
  m += "\r\n";
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\n";
  m += "Content-Transfer-Encoding: base64\r\n\r\n";
  m += Base64Lines(Crlf(e.text));
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/html; charset=utf-8\r\n";
  m += "Content-Transfer-Encoding: base64\r\n\r\n";
  m += Base64Lines(Crlf(e.html));
  m += "--" + boundary + "--\r\n";
  return m;
}

std::string SendSmtp(const std::string& smtp_url, const Email& email, int64_t now_ms) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* curl = curl_easy_init();
  if (!curl) return "cannot initialise libcurl";
  const std::string message = MimeMessage(email, now_ms, "=_workos_mock_" + RandomAlphanumeric(24));
  Upload upload{&message};
  const std::string from = "<" + BareAddress(email.from) + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + BareAddress(email.to) + ">").c_str());
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, smtp_url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadPayload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 15000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  CURLcode rc = curl_easy_perform(curl);
  std::string error;
  if (rc != CURLE_OK) {
    long reply = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
    error = std::string(curl_easy_strerror(rc)) + (errbuf[0] ? std::string(": ") + errbuf : "");
    if (reply > 0) error += " (last SMTP reply " + std::to_string(reply) + ")";
  }
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  return error;
}

}  // namespace workos_mock
