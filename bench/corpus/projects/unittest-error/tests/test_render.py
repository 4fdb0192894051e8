import unittest

from notify.render import render


class RenderTest(unittest.TestCase):
    def test_welcome(self):
        user = {"display_name": "Ada"}
        self.assertEqual(render("welcome", user), "Hello Ada, welcome to Acme!")

    def test_welcome_without_display_name(self):
        user = {"email": "grace@example.com"}
        self.assertIn("grace", render("welcome", user))

    def test_unknown_template(self):
        with self.assertRaises(KeyError):
            render("nope", {"display_name": "x"})


if __name__ == "__main__":
    unittest.main()
