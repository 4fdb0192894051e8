'use strict';

const { EventEmitter } = require('node:events');

class Worker extends EventEmitter {
  constructor(queue, handler) {
    super();
    this.queue = queue;
    this.handler = handler;
  }

  async runOnce() {
    let job = await this.queue.pop();
    if (!job) return false;
    try {
      await this.handler(job.payload);
      this.emit('done', job.id);
    } catch (err) {
      this.emit('failed', job.id);
    }
    return true;
  }
}

module.exports = { Worker };
