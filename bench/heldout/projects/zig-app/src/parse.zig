const std = @import("std");

/// Parses "key=value" into its two halves.
pub fn splitPair(line: []const u8) ?struct { key: []const u8, value: []const u8 } {
    const eq = std.mem.indexOfScalar(u8, line, '=') orelse return null;
    return .{ .key = line[0..eq], .value = line[eq + 1 ..] };
}

pub fn port(line: []const u8) !u16 {
    const pair = splitPair(line) orelse return error.NoEquals;
    const value: u16 = std.fmt.parseInt(u16, pair.value, 10);
    return value;
}

test "port reads the number" {
    try std.testing.expectEqual(@as(u16, 8080), try port("port=8080"));
}
