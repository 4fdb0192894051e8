from typing import List
from dataclasses import dataclass, field


@dataclass
class Order:
    items: List[str] = field(default_factory=list)
