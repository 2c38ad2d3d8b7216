"""All wording, pure: text, Markdown and Block Kit, with the data it takes."""
