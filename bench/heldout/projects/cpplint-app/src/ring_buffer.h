// Copyright 2026 The Ring Authors
#ifndef RING_BUFFER_H
#define RING_BUFFER_H

#include <cstddef>
#include <vector>

using namespace std;

class RingBuffer {
 public:
  RingBuffer(size_t capacity);
  void push(int value);
  int pop();
  bool empty() const { return count_ == 0; }

 private:
  vector<int> data_;
  size_t head_ = 0, count_ = 0;
};

#endif
