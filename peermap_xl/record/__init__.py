"""The record: the book's raw tables typed into the Network (model, reading), and the questions over it:
history, due dates, the graph, labels, incidents."""
