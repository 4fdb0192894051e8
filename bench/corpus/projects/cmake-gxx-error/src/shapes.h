#pragma once

#include <memory>
#include <string>
#include <vector>

struct Shape {
    virtual ~Shape() = default;
    virtual double area() const = 0;
    virtual std::string name() const = 0;
};

struct Circle : Shape {
    explicit Circle(double r) : radius(r) {}
    double area() const override;
    std::string name() const override { return "circle"; }
    double radius;
};

struct Rect : Shape {
    Rect(double w, double h) : width(w), height(h) {}
    double area() const override;
    std::string name() const override { return "rect"; }
    double width, height;
};

double total_area(const std::vector<std::unique_ptr<Shape>> &shapes);
