// The C++ snippet of README.md, as a whole program: built and run against workos-mock by CTest
// (readme_cpp_example); tests/docs/readme_test.sh checks that the README shows these lines.
#include <workos/workos.h>

#include <iostream>

int main() {
  // README:BEGIN
  workos::Client client;  // WORKOS_API_KEY, WORKOS_CLIENT_ID, WORKOS_BASE_URL
  workos::CreatePasswordlessSessionOptions options;
  options.email = "ann@example.com";
  auto session = client.passwordless().CreateSession(options);
  client.passwordless().SendSession(session.id);
  auto email = client.mock().LatestEmail("ann@example.com", 5);  // the mock's outbox
  auto click = client.mock().OpenLink(email->link);              // the user's click
  auto signed_in = client.sso().GetProfileAndToken(click.code);
  std::cout << signed_in.profile.email << " signed in\n";
  // README:END
  return signed_in.profile.email == "ann@example.com" ? 0 : 1;
}
