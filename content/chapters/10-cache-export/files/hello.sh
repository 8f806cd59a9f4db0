echo "Hello from a program BuildKit built. Its dependencies were fetched at $fetched_at."
