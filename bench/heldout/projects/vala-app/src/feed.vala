// feed.vala: read a JSON feed
using Json;

void main () {
    var parser = new Json.Parser ();
    parser.load_from_data ("{\"items\": []}");
    stdout.printf ("%u items\n", parser.get_root ().get_object ().get_array_member ("items").get_length ());
}
