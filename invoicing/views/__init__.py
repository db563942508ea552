"""Invoicing pages: issuing in `issuing`, payment in `payments`, the freelancer's books in `books`."""
