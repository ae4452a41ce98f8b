/*
 * version.h - podcue's version, written here and nowhere else. `podcue
 * --version`, the default User-Agent (feeds, chapter files, libmpv) and the
 * man page (tools/gendoc.c fills @VERSION@ in doc/podcue.1.in) take it
 * from here; tests/e2e/docs.sh checks that they agree.
 */
#ifndef PODCUE_VERSION_H
#define PODCUE_VERSION_H

#define PODCUE_VERSION "0.1.0"

#endif
