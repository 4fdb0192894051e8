from app.handlers import handle


def test_bad_body():
    assert handle("push", b"not json")["status"] == 400
