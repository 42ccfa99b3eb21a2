from evidencebib.cli import main

main()
