from solkg.cli import main

main()
