#ifndef CFIT_CLIBPQ_SHIM_H
#define CFIT_CLIBPQ_SHIM_H

// libpq's C API, and the few things Swift cannot import from it by itself.
#include <libpq-fe.h>

// Swift does not import character-literal macros such as PG_DIAG_SQLSTATE ('C'): export the error
// field codes as constants.
static const int CFIT_PG_DIAG_SEVERITY = PG_DIAG_SEVERITY_NONLOCALIZED;
static const int CFIT_PG_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int CFIT_PG_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
static const int CFIT_PG_DIAG_MESSAGE_DETAIL = PG_DIAG_MESSAGE_DETAIL;
static const int CFIT_PG_DIAG_MESSAGE_HINT = PG_DIAG_MESSAGE_HINT;
static const int CFIT_PG_DIAG_CONSTRAINT_NAME = PG_DIAG_CONSTRAINT_NAME;
static const int CFIT_PG_DIAG_TABLE_NAME = PG_DIAG_TABLE_NAME;
static const int CFIT_PG_DIAG_COLUMN_NAME = PG_DIAG_COLUMN_NAME;

#endif
