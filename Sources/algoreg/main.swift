print("algoreg")
