"""Question banks in other tools' formats: Moodle's GIFT, Aiken and Moodle XML, and the
term lists Anki and Quizlet export; read into packs, and packs written back out."""
