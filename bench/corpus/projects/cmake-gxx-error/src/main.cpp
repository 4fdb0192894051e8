#include <iostream>
#include <memory>
#include <vector>

#include "shapes.h"

int main()
{
    std::vector<std::unique_ptr<Shape>> shapes;
    shapes.push_back(std::make_unique<Circle>(1.0));
    shapes.push_back(std::make_unique<Rect>(2.0));
    std::vector<std::unique_ptr<Shape>> copy = shapes;
    std::cout << total_area(shapes) << '\n';
    return 0;
}
