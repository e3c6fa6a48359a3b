// The command groups of workos-client, one file each.
#pragma once

#include "command.h"

namespace workos_cli {

// api_commands.cc: the WorkOS API.
Command PasswordlessCommands();
Command SsoCommands();
Command ConnectionsCommands();
Command OrganizationsCommands();

// mock_commands.cc: the workos-mock control plane.
Command MockCommands();

// golive_command.cc: the go-live checklist (its own table and exit code).
Command GoliveCommand();

}  // namespace workos_cli
