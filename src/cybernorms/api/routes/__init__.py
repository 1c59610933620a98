"""One router per area of the API (``log``, ``acts``, ``registry``, ``evaluation``); the web
pages add their own router beside these (``cybernorms.api.app.create_app``)."""
