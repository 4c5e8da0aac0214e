"""Digital signatures on the documents the law wants signed (PAdES, with pyHanko).

``credentials`` loads the center's certificate and key (PKCS#12, path in the settings), ``pdf``
signs a PDF and validates one against the trusted certificate authorities, ``results`` makes,
signs and keeps a closed dossier's electronic result and records it in the history, and
``authority`` creates the demo certificate authority and center certificate of ``motcua demo``.
"""
