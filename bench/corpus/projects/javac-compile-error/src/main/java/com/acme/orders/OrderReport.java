package com.acme.orders;

import java.util.List;

public class OrderReport {
    public static String render(List<Order> orders) {
        StringBuilder out = new StringBuilder();
        for (Order order : orders) {
            out.append(order.getId()).append(": ").append(order.total()).append('\n');
        }
        int count = orders.size();
        out.append(count).append(" orders\n");
        return out.toString();
    }

    public static void main(String[] args) {
        System.out.println(render(List.of(new Order("A-1"))));
        Logger.info("done");
    }
}
