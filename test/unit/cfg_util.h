/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DPB_TEST_CFG_UTIL_H
#define DPB_TEST_CFG_UTIL_H

#include <stdbool.h>

#include "dpb_cfg.h"

/* The model the last load() filled. */
extern struct dpb_cfg cfg;

/* cmocka group setup and teardown: a temporary folder for the files. */
int cfg_setup(void **state);
int cfg_teardown(void **state);

/* Writes @text to @name under the folder (subfolders made). @return its path. */
const char *write_file(const char *name, const char *text);

/* Loads @text as the folder's `interfaces`. @return dpb_cfg_load()'s result. */
int load(const char *text);

/* The diagnostic "LINE: error|warning: MSG" (or starting with MSG when
 * @prefix) must be among cfg's; fails the test otherwise. */
void expect_diag_at(unsigned int line, enum dpb_diag_severity sev, const char *msg, bool prefix);
void expect_diag(unsigned int line, enum dpb_diag_severity sev, const char *msg);

/* The interface named @name (fails the test if there is none). */
const struct dpb_cfg_iface *iface(const char *name);

#endif
