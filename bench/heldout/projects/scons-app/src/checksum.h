#ifndef CHECKSUM_H
#define CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

uint32_t crc32(const unsigned char *data, size_t len);
uint32_t adler32(const unsigned char *data, size_t len);

#endif
