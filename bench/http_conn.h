// A minimal blocking HTTP/1.1 client over one kept-alive TCP connection, for benchtool: enough to
// send a request and read a Content-Length answer, nothing more. No dependencies beyond libc.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace benchtool {

int Connect(const std::string& host, int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

struct Response {
  int status = 0;
  std::string headers;  // the raw header block
  std::string body;
};

// One keep-alive HTTP/1.1 connection; reconnects when the server closes it.
class Conn {
 public:
  Conn(std::string host, int port) : host_(std::move(host)), port_(port) {}
  ~Conn() {
    if (fd_ >= 0) close(fd_);
  }

  bool Send(const std::string& method, const std::string& path, const std::string& headers,
            const std::string& body, Response* out) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0 && (fd_ = Connect(host_, port_)) < 0) return false;
      std::string req = method + " " + path + " HTTP/1.1\r\nHost: " + host_ +
                        "\r\nConnection: keep-alive\r\n" + headers;
      if (!body.empty() || method == "POST")
        req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
      req += "\r\n" + body;
      if (WriteAll(req) && ReadResponse(out)) return true;
      close(fd_);  // the server closed a kept-alive connection: retry once on a new one
      fd_ = -1;
      buf_.clear();
    }
    return false;
  }

 private:
  bool WriteAll(const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      ssize_t n = send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  bool Fill() {
    char tmp[16384];
    ssize_t n = recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
  bool ReadResponse(Response* out) {
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!Fill()) return false;
    out->headers = buf_.substr(0, end + 2);
    out->status = std::atoi(out->headers.c_str() + 9);  // "HTTP/1.1 200 ..."
    size_t length = 0;
    std::string lower = out->headers;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    size_t cl = lower.find("\r\ncontent-length:");
    if (cl != std::string::npos) length = std::strtoul(lower.c_str() + cl + 17, nullptr, 10);
    const bool closes = lower.find("\r\nconnection: close") != std::string::npos;
    buf_.erase(0, end + 4);
    while (buf_.size() < length)
      if (!Fill()) return false;
    out->body = buf_.substr(0, length);
    buf_.erase(0, length);
    if (closes) {
      close(fd_);
      fd_ = -1;
      buf_.clear();
    }
    return true;
  }

  std::string host_;
  int port_;
  int fd_ = -1;
  std::string buf_;
};

std::string Between(const std::string& s, const std::string& start, const std::string& stop) {
  size_t a = s.find(start);
  if (a == std::string::npos) return "";
  a += start.size();
  size_t b = s.find_first_of(stop, a);
  return s.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

}  // namespace benchtool
