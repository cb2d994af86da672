build/obj/frontend/main.o: frontend/main.c
