"""Practice (练习): instant feedback, daily set, wrong-answer book, FSRS spaced review, mastery map."""
