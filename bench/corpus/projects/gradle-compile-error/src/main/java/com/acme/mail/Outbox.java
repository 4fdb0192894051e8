package com.acme.mail;

import java.util.ArrayDeque;
import java.util.Deque;

public class Outbox {
    private final Deque<Message> queue = new ArrayDeque<>();

    public void enqueue(Message message) {
        queue.add(message);
    }

    public int flush(Transport transport) {
        int sent = 0;
        while (!queue.isEmpty()) {
            Message next = queue.poll();
            transport.send(next.to(), next.render());
            sent++;
        }
        return sent;
    }

    public String peekSubject() {
        return queue.peek().subject;
    }
}
