"""exams domain."""
