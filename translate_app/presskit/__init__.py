"""What goes to journalists: a release's published languages as web pages, documents and e-mail.

* `page`: one web page per language with `lang`, `dir`, a switcher listing only
  published languages and `hreflang` links both ways with `x-default`;
* `documents`: DOCX and ODT through pandoc (pypandoc-binary carries it) and PDF
  through WeasyPrint, with fonts for right-to-left and CJK scripts; pandoc also
  reads partners' DOCX, ODT and HTML back into Markdown;
* `mailbody`: an e-mail body per language, HTML with inline styles and plain text;
* `kit`: all of it for every published language in one zip.

* `published`: the latest publication of each language (what the web's press
  pages and kits are made from);
* `jobs`: the press kit built on the web as a Job with progress.

Inputs are the approved or published Markdown of each language: apart from
`published` and `jobs`, which read and write the database, nothing here reads
catalogs, the database or the network.
"""
