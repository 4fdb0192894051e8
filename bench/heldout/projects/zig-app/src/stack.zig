const std = @import("std");

/// A fixed-capacity stack of u32 values.
pub fn Stack(comptime capacity: usize) type {
    return struct {
        items: [capacity]u32 = undefined,
        len: usize = 0,

        const Self = @This();

        pub fn push(self: *Self, value: u32) error{Full}!void {
            if (self.len == capacity) return error.Full;
            self.items[self.len] = value;
            self.len += 1;
        }

        pub fn pop(self: *Self) ?u32 {
            if (self.len == 0) return null;
            self.len -= 1;
            return self.items[self.len];
        }

        pub fn peek(self: *const Self) ?u32 {
            if (self.len == 0) return null;
            return self.items[0];
        }
    };
}

test "push then pop gives the value back" {
    var s = Stack(4){};
    try s.push(7);
    try std.testing.expectEqual(@as(?u32, 7), s.pop());
}

test "peek shows the top of the stack" {
    var s = Stack(4){};
    try s.push(1);
    try s.push(2);
    try std.testing.expectEqual(@as(?u32, 2), s.peek());
}

test "a full stack refuses a push" {
    var s = Stack(1){};
    try s.push(1);
    try std.testing.expectError(error.Full, s.push(2));
}
