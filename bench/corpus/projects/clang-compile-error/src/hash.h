#ifndef HASH_H
#define HASH_H

#include <stddef.h>
#include <stdint.h>

uint32_t fnv1a(const char *data, size_t len);

#endif
