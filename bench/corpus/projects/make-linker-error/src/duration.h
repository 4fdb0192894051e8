#ifndef DURATION_H
#define DURATION_H

/* Parses "1h30m", "45s", "2m5s" into seconds; -1 on a malformed string. */
long parse_duration(const char *text);

/* Formats seconds as "1h30m0s". */
void format_duration(long seconds, char *out, unsigned long size);

#endif
