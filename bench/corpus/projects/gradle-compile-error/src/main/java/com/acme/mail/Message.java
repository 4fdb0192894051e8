package com.acme.mail;

import java.util.List;

public class Message {
    private final String to;
    private final String subject;
    private final List<String> lines;

    public Message(String to, String subject, List<String> lines) {
        this.to = to;
        this.subject = subject;
        this.lines = lines;
    }

    public String to() {
        return to;
    }

    public String render() {
        String body = String.join("\n", lines);
        return "To: " + to + "\nSubject: " + subject + "\n\n" + body;
    }
}
