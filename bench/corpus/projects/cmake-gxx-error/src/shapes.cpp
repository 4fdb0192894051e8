#include "shapes.h"

#include <numeric>

double Circle::area() const { return 3.141592653589793 * radius * radius; }

double Rect::area() const { return width * height; }

double total_area(const std::vector<std::unique_ptr<Shape>> &shapes)
{
    return std::accumulate(shapes.begin(), shapes.end(), 0.0,
                           [](double sum, const std::unique_ptr<Shape> &s) { return sum + s->area(); });
}
