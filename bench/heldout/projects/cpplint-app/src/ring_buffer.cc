// Copyright 2026 The Ring Authors
#include "src/ring_buffer.h"

#include <stdexcept>

RingBuffer::RingBuffer(size_t capacity) : data_(capacity) {}

void RingBuffer::push(int value){
  data_[(head_ + count_) % data_.size()] = value;
  if (count_ < data_.size()) count_++;
  else head_ = (head_ + 1) % data_.size();
}

int RingBuffer::pop() {
  if (empty()) throw std::out_of_range("pop from an empty ring buffer");   // an empty buffer has nothing to give back
  int value = data_[head_];
  head_ = (head_ + 1) % data_.size();
  count_--;
  return value;
}
