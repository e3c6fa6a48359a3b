// Everything: #include <workos/workos.h>
#pragma once

#include "workos/client.h"
#include "workos/config.h"
#include "workos/connections.h"
#include "workos/errors.h"
#include "workos/http.h"
#include "workos/list.h"
#include "workos/mock_control.h"
#include "workos/organizations.h"
#include "workos/passwordless.h"
#include "workos/sso.h"
#include "workos/version.h"
