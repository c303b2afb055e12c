// Keeps a module library non-empty before its first source file exists.
