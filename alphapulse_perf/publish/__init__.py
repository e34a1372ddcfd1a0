"""asv's HTML history, published so that it opens offline too (`offline_html`)."""
